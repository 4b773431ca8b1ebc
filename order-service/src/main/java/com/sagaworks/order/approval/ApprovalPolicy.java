package com.sagaworks.order.approval;

import org.springframework.stereotype.Component;

/**
 * The last check before an order is confirmed: totals above the manual-review limit are refused, so the
 * saga refunds and releases instead of shipping an unusually large order unseen.
 */
@Component
class ApprovalPolicy {

    private final long maxTotalCents;

    ApprovalPolicy(ApprovalProperties properties) {
        this.maxTotalCents = properties.maxTotalCents();
    }

    boolean approves(long totalCents) {
        return totalCents <= maxTotalCents;
    }
}
