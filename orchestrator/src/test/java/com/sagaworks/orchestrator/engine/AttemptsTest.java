package com.sagaworks.orchestrator.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttemptsTest {

    private final Attempts attempts = new Attempts(3, 10);

    @Test
    void aCompensationGetsItsOwnLongerBudget() {
        assertThat(attempts.allowed(SagaStatus.RUNNING)).isEqualTo(3);
        assertThat(attempts.allowed(SagaStatus.COMPENSATING)).isEqualTo(10);
    }

    @Test
    void refusesABudgetBelowOneSend() {
        assertThatThrownBy(() -> new Attempts(3, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("compensation 0");
    }
}
