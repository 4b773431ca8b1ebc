package com.sagaworks.order.approval;

import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The approval rule's settings.
 *
 * @param maxTotalCents an order whose priced total exceeds this is refused and needs manual review
 */
@Validated
@ConfigurationProperties("sagaworks.orders.approval")
public record ApprovalProperties(@DefaultValue("10000000") @Positive long maxTotalCents) {
}
