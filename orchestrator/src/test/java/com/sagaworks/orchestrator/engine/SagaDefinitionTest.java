package com.sagaworks.orchestrator.engine;

import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.contracts.order.OrderPlaced;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SagaDefinitionTest {

    record Data(String value) {
    }

    @Test
    void refusesAStepThatSendsACommandButReadsNoReply() {
        var builder = SagaDefinition.named("broken", Data.class)
                .startedBy(OrderPlaced.class, e -> e.orderId().toString(), (id, e) -> new Data("x"))
                .step("RESERVE").invoke(d -> new ReserveStock(null, null, java.util.List.of()));
        assertThatThrownBy(builder::build).hasMessageContaining("reads no reply");
    }

    @Test
    void refusesTwoStepsWithOneName() {
        var builder = SagaDefinition.named("broken", Data.class)
                .startedBy(OrderPlaced.class, e -> e.orderId().toString(), (id, e) -> new Data("x"))
                .step("A").invoke(d -> "a").onReply(StockReserved.class, (d, r) -> StepOutcome.proceed(d))
                .step("A").invoke(d -> "a").onReply(StockReserved.class, (d, r) -> StepOutcome.proceed(d));
        assertThatThrownBy(builder::build).hasMessageContaining("twice");
    }

    @Test
    void refusesASagaWithoutStartEvent() {
        var builder = SagaDefinition.named("broken", Data.class)
                .step("A").invoke(d -> "a").onReply(StockReserved.class, (d, r) -> StepOutcome.proceed(d));
        assertThatThrownBy(builder::build).hasMessageContaining("no start event");
    }

    @Test
    void statusTableAllowsNoExitFromFinalStates() {
        assertThat(SagaStatus.TRANSITIONS.get(SagaStatus.COMPLETED)).isEmpty();
        assertThat(SagaStatus.TRANSITIONS.get(SagaStatus.COMPENSATED)).isEmpty();
        assertThat(SagaStatus.RUNNING.canMoveTo(SagaStatus.COMPLETED)).isTrue();
        assertThat(SagaStatus.COMPENSATED.canMoveTo(SagaStatus.RUNNING)).isFalse();
        assertThat(SagaStatus.FAILED.canMoveTo(SagaStatus.RUNNING)).isFalse();
        // forward recovery: a first compensation found that the action took effect after all
        assertThat(SagaStatus.COMPENSATING.canMoveTo(SagaStatus.COMPLETED)).isTrue();
        assertThat(SagaStatus.TRANSITIONS).containsOnlyKeys(SagaStatus.values());
    }
}
