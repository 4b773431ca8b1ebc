package com.sagaworks.orchestrator.engine;

import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.StockRejected;
import com.sagaworks.contracts.inventory.StockReleased;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.contracts.order.OrderPlaced;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentRefunded;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.sagaworks.orchestrator.engine.StepOutcome.proceed;
import static com.sagaworks.orchestrator.engine.StepOutcome.tookEffect;
import static org.assertj.core.api.Assertions.assertThat;

/** A compensation that finds its action took effect after all takes the saga forward only if nothing was undone. */
class ForwardRecoveryTest {

    record Data(String value) {
    }

    private static final Attempts ONE_SEND = new Attempts(1, 1);

    /** A and B, each with a compensation; B's answers "took effect", or (StockRejected) "undone". */
    private final SagaDefinition<Data> definition = SagaDefinition.named("two-steps", Data.class)
            .startedBy(OrderPlaced.class, e -> e.orderId().toString(), (id, e) -> new Data("x"))
            .step("A").invoke(d -> "do A").onReply(StockReserved.class, (d, r) -> proceed(d))
            .compensateWith(d -> "undo A")
            .onCompensationReply(StockReleased.class, (d, r) -> tookEffect(d, "A stands"))
            .step("B").invoke(d -> "do B").onReply(PaymentCharged.class, (d, r) -> proceed(d))
            .compensateWith(d -> "undo B")
            .onCompensationReply(PaymentRefunded.class, (d, r) -> tookEffect(d, "B stands"))
            .onCompensationReply(StockRejected.class, (d, r) -> proceed(d))
            .build();

    @Test
    void theLastStepConfirmedLateCompletesTheSaga() {
        SagaState<Data> state = atBGivenUp();

        SagaState<Data> next = apply(state, new PaymentRefunded(null, 0));

        assertThat(next.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(next.failureReason()).isNull();
    }

    @Test
    void aStepConfirmedLateAfterALaterOneWasUndoneLeavesTheSagaFailed() {
        SagaState<Data> undoingA = apply(atBGivenUp(), new StockRejected(null, StockRejected.Reason.OUT_OF_STOCK,
                List.of()));
        assertThat(undoingA.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(undoingA.currentStep()).isEqualTo("A");

        SagaState<Data> next = apply(undoingA, new StockReleased(null, 0));

        assertThat(next.status()).isEqualTo(SagaStatus.FAILED);
        assertThat(next.failureReason()).isEqualTo("compensation of A failed: A stands");
    }

    /** Started, A answered, B's deadline passed with its one send spent: compensating B. */
    private SagaState<Data> atBGivenUp() {
        SagaState<Data> state = SagaDecider.start(definition, SagaId.random(), new Data("x")).next();
        state = apply(state, new StockReserved(null, List.of(), 0));
        assertThat(state.currentStep()).isEqualTo("B");
        state = ((Decision.Transition<Data>) SagaDecider.onDeadline(definition, state, ONE_SEND)).next();
        assertThat(state.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(state.currentStep()).isEqualTo("B");
        return state;
    }

    private SagaState<Data> apply(SagaState<Data> state, Object reply) {
        Decision<Data> decision = SagaDecider.decide(definition, state, state.awaitingMessageId(), reply);
        assertThat(decision).isInstanceOf(Decision.Transition.class);
        SagaState<Data> next = ((Decision.Transition<Data>) decision).next();
        assertThat(state.status().canMoveTo(next.status())).isTrue();
        return next;
    }
}
