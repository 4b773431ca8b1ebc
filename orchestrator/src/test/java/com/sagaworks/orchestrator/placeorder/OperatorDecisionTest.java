package com.sagaworks.orchestrator.placeorder;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReleaseStock;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockRejected;
import com.sagaworks.contracts.order.CancelOrder;
import com.sagaworks.contracts.order.OrderCancellationRecorded;
import com.sagaworks.contracts.order.OrderPlaced;
import com.sagaworks.orchestrator.engine.Decision;
import com.sagaworks.orchestrator.engine.OperatorAction;
import com.sagaworks.orchestrator.engine.SagaDecider;
import com.sagaworks.orchestrator.engine.SagaDefinition;
import com.sagaworks.orchestrator.engine.SagaState;
import com.sagaworks.orchestrator.engine.SagaStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Operator actions decided like messages: pure, through the same transition table, no broker or database. */
class OperatorDecisionTest {

    private final SagaDefinition<PlaceOrderData> saga = PlaceOrderSaga.definition(Duration.ofSeconds(30));
    private final OrderId orderId = OrderId.random();
    private final SagaId sagaId = saga.sagaIdFor(orderId.toString());

    private SagaState<PlaceOrderData> started() {
        var placed = new OrderPlaced(orderId, new CustomerId("alice"), List.of(new OrderLine("SKU-1", 2)),
                Instant.parse("2026-11-22T10:00:00Z"));
        return SagaDecider.start(saga, sagaId, PlaceOrderData.from(sagaId, placed)).next();
    }

    private SagaState<PlaceOrderData> failedCompensation() {
        var running = started();
        var compensating = ((Decision.Transition<PlaceOrderData>) SagaDecider.decide(saga, running,
                running.awaitingMessageId(), new StockRejected(sagaId, StockRejected.Reason.OUT_OF_STOCK,
                        List.of("SKU-1")))).next();
        return ((Decision.Transition<PlaceOrderData>) SagaDecider.decide(saga, compensating,
                compensating.awaitingMessageId(), new OrderCancellationRecorded(sagaId, false))).next();
    }

    @Test
    void retryResendsTheAwaitedCommandUnderTheSameIdAndCountsTheAttempt() {
        var running = started();
        var retry = (Decision.Transition<PlaceOrderData>) SagaDecider.onOperator(saga, running, OperatorAction.RETRY,
                "RETRY by op: why");
        assertThat(retry.commands()).singleElement().satisfies(c -> {
            assertThat(c.messageId()).isEqualTo(running.awaitingMessageId());
            assertThat(c.payload()).isInstanceOf(ReserveStock.class);
        });
        assertThat(retry.next().attempt()).isEqualTo(2);
        assertThat(retry.next().version()).isEqualTo(running.version() + 1);
        assertThat(retry.next().status()).isEqualTo(SagaStatus.RUNNING);
    }

    @Test
    void compensateNowUndoesTheCurrentStepInclusive() {
        var running = started();
        var compensate = (Decision.Transition<PlaceOrderData>) SagaDecider.onOperator(saga, running,
                OperatorAction.COMPENSATE, "COMPENSATE by op: customer asked");
        assertThat(compensate.next().status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(compensate.commands()).singleElement()
                .satisfies(c -> assertThat(c.payload()).isInstanceOf(ReleaseStock.class));
        assertThat(compensate.next().failureReason()).isEqualTo("COMPENSATE by op: customer asked");
    }

    @Test
    void retryOfAFailedSagaRetriesItsCompensationUnderTheCompensationsId() {
        var failed = failedCompensation();
        assertThat(failed.status()).isEqualTo(SagaStatus.FAILED);
        var retry = (Decision.Transition<PlaceOrderData>) SagaDecider.onOperator(saga, failed, OperatorAction.RETRY,
                "RETRY by op");
        assertThat(retry.next().status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(retry.commands()).singleElement()
                .satisfies(c -> assertThat(c.payload()).isInstanceOf(CancelOrder.class));
        assertThat(SagaStatus.FAILED.canMoveTo(retry.next().status())).isTrue();
    }

    @Test
    void resolvingByHandOnlyClosesAFailedSagaAndSendsNothing() {
        var failed = failedCompensation();
        var resolved = (Decision.Transition<PlaceOrderData>) SagaDecider.onOperator(saga, failed,
                OperatorAction.RESOLVE_COMPENSATED, "by hand");
        assertThat(resolved.next().status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(resolved.commands()).isEmpty();
        assertThat(resolved.next().awaitingMessageId()).isNull();

        assertThat(SagaDecider.onOperator(saga, started(), OperatorAction.RESOLVE_COMPLETED, "by hand"))
                .isInstanceOf(Decision.Ignore.class);
        assertThat(SagaDecider.onOperator(saga, resolved.next(), OperatorAction.RETRY, "again"))
                .isInstanceOf(Decision.Ignore.class);
        assertThat(SagaDecider.onOperator(saga, failed, OperatorAction.COMPENSATE, "again"))
                .isInstanceOf(Decision.Ignore.class);
    }
}
