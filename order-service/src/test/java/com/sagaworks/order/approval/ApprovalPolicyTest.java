package com.sagaworks.order.approval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApprovalPolicyTest {

    private final ApprovalPolicy policy = new ApprovalPolicy(new ApprovalProperties(10_000_000L));

    @Test
    void approvesTotalsUpToTheReviewLimit() {
        assertThat(policy.approves(0)).isTrue();
        assertThat(policy.approves(10_000_000L)).isTrue();
    }

    @Test
    void refusesTotalsAboveTheReviewLimit() {
        assertThat(policy.approves(10_000_001L)).isFalse();
    }
}
