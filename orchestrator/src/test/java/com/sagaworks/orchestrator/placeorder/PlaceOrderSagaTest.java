package com.sagaworks.orchestrator.placeorder;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.inventory.ReleaseStock;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockRejected;
import com.sagaworks.contracts.inventory.StockReleased;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.contracts.order.ApproveOrder;
import com.sagaworks.contracts.order.CancelOrder;
import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.contracts.order.OrderApprovalRefused;
import com.sagaworks.contracts.order.OrderApproved;
import com.sagaworks.contracts.order.OrderCancellationRecorded;
import com.sagaworks.contracts.order.OrderPlaced;
import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.contracts.payment.PaymentRefunded;
import com.sagaworks.contracts.payment.RefundPayment;
import com.sagaworks.orchestrator.engine.Attempts;
import com.sagaworks.orchestrator.engine.CommandIds;
import com.sagaworks.orchestrator.engine.Decision;
import com.sagaworks.orchestrator.engine.SagaDecider;
import com.sagaworks.orchestrator.engine.SagaDefinition;
import com.sagaworks.orchestrator.engine.SagaState;
import com.sagaworks.orchestrator.engine.SagaStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The place-order saga's decisions, path by path, with no broker and no database. */
class PlaceOrderSagaTest {

    private static final int MAX_ATTEMPTS = 3;
    private static final int COMPENSATION_MAX_ATTEMPTS = 6;

    private final SagaDefinition<PlaceOrderData> saga = PlaceOrderSaga.definition(Duration.ofSeconds(30));
    private final OrderId orderId = OrderId.random();
    private final CustomerId customer = new CustomerId("alice");
    private final SagaId sagaId = saga.sagaIdFor(orderId.toString());
    private final List<PricedLine> priced = List.of(new PricedLine("SKU-1", 2, 1500), new PricedLine("SKU-2", 1, 700));

    /** Drives a saga by feeding replies to whatever it is waiting for. */
    private final class Run {
        SagaState<PlaceOrderData> state;
        List<Decision.Command> lastCommands;

        Run() {
            var placed = new OrderPlaced(orderId, customer, List.of(new OrderLine("SKU-1", 2), new OrderLine("SKU-2", 1)),
                    Instant.parse("2026-11-22T10:00:00Z"));
            Decision.Transition<PlaceOrderData> first = SagaDecider.start(saga, sagaId, PlaceOrderData.from(sagaId, placed));
            state = first.next();
            lastCommands = first.commands();
        }

        Object command() {
            assertThat(lastCommands).hasSize(1);
            return lastCommands.getFirst().payload();
        }

        Decision<PlaceOrderData> reply(Object reply) {
            return replyCorrelatedWith(state.awaitingMessageId(), reply);
        }

        Decision<PlaceOrderData> deadlinePasses() {
            return apply(SagaDecider.onDeadline(saga, state, new Attempts(MAX_ATTEMPTS, COMPENSATION_MAX_ATTEMPTS)));
        }

        Decision<PlaceOrderData> customerCancels() {
            return apply(SagaDecider.onAbort(saga, state,
                    state.data().cancelledBecause(CancellationReason.CANCELLED_BY_CUSTOMER), "aborted by OrderCancelled"));
        }

        Decision<PlaceOrderData> replyCorrelatedWith(UUID correlation, Object reply) {
            return apply(SagaDecider.decide(saga, state, correlation, reply));
        }

        private Decision<PlaceOrderData> apply(Decision<PlaceOrderData> d) {
            if (d instanceof Decision.Transition<PlaceOrderData> t) {
                assertThat(state.status().canMoveTo(t.next().status()))
                        .as("%s -> %s is in the transition table", state.status(), t.next().status()).isTrue();
                assertThat(t.next().version()).isEqualTo(state.version() + 1);
                state = t.next();
                lastCommands = t.commands();
            }
            return d;
        }
    }

    @Test
    void startsByReservingStockForTheOrderedLines() {
        Run run = new Run();
        assertThat(run.state.status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(run.state.currentStep()).isEqualTo("RESERVE_STOCK");
        assertThat(run.command()).isEqualTo(new ReserveStock(sagaId, orderId,
                List.of(new OrderLine("SKU-1", 2), new OrderLine("SKU-2", 1))));
        assertThat(run.state.awaitingMessageId())
                .isEqualTo(CommandIds.of(sagaId, "RESERVE_STOCK", CommandIds.Phase.ACTION))
                .isEqualTo(run.lastCommands.getFirst().messageId());
    }

    @Test
    void completesWhenStockPaymentAndApprovalSucceed() {
        Run run = new Run();
        run.reply(new StockReserved(sagaId, priced, 3700));
        assertThat(run.command()).isEqualTo(new ChargePayment(sagaId, orderId, customer, 3700));
        run.reply(new PaymentCharged(sagaId, 3700));
        assertThat(run.command()).isEqualTo(new ApproveOrder(sagaId, orderId, priced, 3700));
        run.reply(new OrderApproved(sagaId));
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(run.state.currentStep()).isNull();
        assertThat(run.state.awaitingMessageId()).isNull();
        assertThat(run.lastCommands).isEmpty();
        assertThat(run.state.version()).isEqualTo(4);
    }

    @Test
    void cancelsTheOrderOutOfStockWithoutReleasingAnything() {
        Run run = new Run();
        run.reply(new StockRejected(sagaId, StockRejected.Reason.OUT_OF_STOCK, List.of("SKU-2")));
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(run.command()).isEqualTo(new CancelOrder(sagaId, orderId, CancellationReason.OUT_OF_STOCK));
        assertThat(run.state.failureReason()).contains("OUT_OF_STOCK");
        run.reply(new OrderCancellationRecorded(sagaId, true));
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(run.lastCommands).isEmpty();
    }

    @Test
    void cancelsWithUnknownProductWhenTheCatalogLacksASku() {
        Run run = new Run();
        run.reply(new StockRejected(sagaId, StockRejected.Reason.UNKNOWN_PRODUCT, List.of("NOPE")));
        assertThat(run.command()).isEqualTo(new CancelOrder(sagaId, orderId, CancellationReason.UNKNOWN_PRODUCT));
    }

    @Test
    void releasesStockThenCancelsWhenPaymentIsDeclined() {
        Run run = new Run();
        run.reply(new StockReserved(sagaId, priced, 3700));
        run.reply(new PaymentDeclined(sagaId, PaymentDeclined.Reason.INSUFFICIENT_FUNDS));
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(run.command()).isEqualTo(new ReleaseStock(sagaId, orderId));
        run.reply(new StockReleased(sagaId, 3));
        assertThat(run.command()).isEqualTo(new CancelOrder(sagaId, orderId, CancellationReason.PAYMENT_DECLINED));
        run.reply(new OrderCancellationRecorded(sagaId, true));
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(run.state.failureReason()).contains("INSUFFICIENT_FUNDS");
    }

    @Test
    void refundsReleasesAndCancelsInReverseOrderWhenApprovalIsRefused() {
        Run run = new Run();
        run.reply(new StockReserved(sagaId, priced, 3700));
        run.reply(new PaymentCharged(sagaId, 3700));
        run.reply(new OrderApprovalRefused(sagaId, CancellationReason.APPROVAL_REFUSED));
        assertThat(run.command()).isEqualTo(new RefundPayment(sagaId, orderId, customer));
        run.reply(new PaymentRefunded(sagaId, 3700));
        assertThat(run.command()).isEqualTo(new ReleaseStock(sagaId, orderId));
        run.reply(new StockReleased(sagaId, 3));
        assertThat(run.command()).isEqualTo(new CancelOrder(sagaId, orderId, CancellationReason.APPROVAL_REFUSED));
        run.reply(new OrderCancellationRecorded(sagaId, true));
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATED);
    }

    @Test
    void keepsTheCustomersReasonWhenTheOrderWasCancelledMeanwhile() {
        Run run = new Run();
        run.reply(new StockReserved(sagaId, priced, 3700));
        run.reply(new PaymentCharged(sagaId, 3700));
        run.reply(new OrderApprovalRefused(sagaId, CancellationReason.CANCELLED_BY_CUSTOMER));
        run.reply(new PaymentRefunded(sagaId, 3700));
        run.reply(new StockReleased(sagaId, 3));
        assertThat(run.command()).isEqualTo(new CancelOrder(sagaId, orderId, CancellationReason.CANCELLED_BY_CUSTOMER));
    }

    @Test
    void failsVisiblyWhenTheOrderCannotBeCancelled() {
        Run run = new Run();
        run.reply(new StockRejected(sagaId, StockRejected.Reason.OUT_OF_STOCK, List.of("SKU-1")));
        run.reply(new OrderCancellationRecorded(sagaId, false));
        assertThat(run.state.status()).isEqualTo(SagaStatus.FAILED);
        assertThat(run.state.failureReason()).contains("cannot be cancelled");
        assertThat(run.state.awaitingMessageId()).isNull();
        assertThat(run.lastCommands).isEmpty();
    }

    @Test
    void ignoresTheSameReplyArrivingTwice() {
        Run run = new Run();
        UUID reserveId = run.state.awaitingMessageId();
        run.reply(new StockReserved(sagaId, priced, 3700));
        SagaState<PlaceOrderData> before = run.state;
        Decision<PlaceOrderData> again = run.replyCorrelatedWith(reserveId, new StockReserved(sagaId, priced, 3700));
        assertThat(again).isInstanceOf(Decision.Ignore.class);
        assertThat(run.state).isEqualTo(before);
    }

    @Test
    void ignoresAReplyForAStepAlreadyPassed() {
        Run run = new Run();
        UUID reserveId = run.state.awaitingMessageId();
        run.reply(new StockReserved(sagaId, priced, 3700));
        run.reply(new PaymentCharged(sagaId, 3700));
        // a late rejection of the reservation must not start compensation now that payment went through
        Decision<PlaceOrderData> late = run.replyCorrelatedWith(reserveId,
                new StockRejected(sagaId, StockRejected.Reason.OUT_OF_STOCK, List.of("SKU-1")));
        assertThat(late).isInstanceOf(Decision.Ignore.class);
        assertThat(run.state.currentStep()).isEqualTo("APPROVE_ORDER");
    }

    @Test
    void ignoresAReplyWithoutCorrelation() {
        Run run = new Run();
        assertThat(run.replyCorrelatedWith(null, new StockReserved(sagaId, priced, 3700)))
                .isInstanceOf(Decision.Ignore.class);
        assertThat(run.state.currentStep()).isEqualTo("RESERVE_STOCK");
    }

    @Test
    void ignoresAReplyOfTheWrongTypeForTheCurrentStep() {
        Run run = new Run();
        Decision<PlaceOrderData> d = run.reply(new PaymentCharged(sagaId, 3700));
        assertThat(d).isInstanceOf(Decision.Ignore.class);
        assertThat(((Decision.Ignore<PlaceOrderData>) d).reason()).contains("does not answer RESERVE_STOCK");
    }

    @Test
    void ignoresEverythingOnceEnded() {
        Run run = new Run();
        run.reply(new StockReserved(sagaId, priced, 3700));
        run.reply(new PaymentCharged(sagaId, 3700));
        UUID approveId = run.state.awaitingMessageId();
        run.reply(new OrderApproved(sagaId));
        Decision<PlaceOrderData> after = run.replyCorrelatedWith(approveId, new OrderApproved(sagaId));
        assertThat(after).isInstanceOf(Decision.Ignore.class);
        assertThat(((Decision.Ignore<PlaceOrderData>) after).reason()).contains("COMPLETED");
    }

    @Test
    void derivesStableDistinctCommandIdsPerStepAndPhase() {
        UUID action = CommandIds.of(sagaId, "RESERVE_STOCK", CommandIds.Phase.ACTION);
        assertThat(CommandIds.of(sagaId, "RESERVE_STOCK", CommandIds.Phase.ACTION)).isEqualTo(action);
        assertThat(CommandIds.of(sagaId, "RESERVE_STOCK", CommandIds.Phase.COMPENSATION)).isNotEqualTo(action);
        assertThat(CommandIds.of(SagaId.random(), "RESERVE_STOCK", CommandIds.Phase.ACTION)).isNotEqualTo(action);
    }

    @Test
    void derivesOneSagaIdPerOrder() {
        assertThat(saga.sagaIdFor(orderId.toString())).isEqualTo(sagaId);
        assertThat(saga.sagaIdFor(OrderId.random().toString())).isNotEqualTo(sagaId);
    }

    @Test
    void resendsTheSameCommandUnderTheSameIdWhenADeadlinePasses() {
        Run run = new Run();
        UUID reserveId = run.state.awaitingMessageId();
        Object reserve = run.command();
        run.deadlinePasses();
        assertThat(run.state.status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(run.state.attempt()).isEqualTo(2);
        assertThat(run.lastCommands).containsExactly(new Decision.Command(reserveId, reserve));
        run.reply(new StockReserved(sagaId, priced, 3700));
        assertThat(run.command()).isInstanceOf(ChargePayment.class);
        assertThat(run.state.attempt()).isEqualTo(1);
    }

    @Test
    void givesUpAnUnansweredReservationAndReleasesItBecauseItMayHaveHappened() {
        Run run = new Run();
        run.deadlinePasses();
        run.deadlinePasses();
        assertThat(run.state.attempt()).isEqualTo(MAX_ATTEMPTS);
        run.deadlinePasses();
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(run.command()).isEqualTo(new ReleaseStock(sagaId, orderId));
        assertThat(run.state.failureReason()).contains("RESERVE_STOCK unanswered after 3 attempts");
        run.reply(new StockReleased(sagaId, 0));
        assertThat(run.command()).isEqualTo(new CancelOrder(sagaId, orderId, CancellationReason.TIMED_OUT));
        run.reply(new OrderCancellationRecorded(sagaId, true));
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATED);
    }

    @Test
    void refundsAnUnansweredChargeBeforeReleasingStock() {
        Run run = new Run();
        run.reply(new StockReserved(sagaId, priced, 3700));
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            run.deadlinePasses();
        }
        assertThat(run.command()).isEqualTo(new RefundPayment(sagaId, orderId, customer));
        run.reply(new PaymentRefunded(sagaId, 0));
        assertThat(run.command()).isEqualTo(new ReleaseStock(sagaId, orderId));
    }

    @Test
    void cancelsTheOrderBeforeRefundingWhenApprovalStaysUnanswered() {
        Run run = new Run();
        run.reply(new StockReserved(sagaId, priced, 3700));
        run.reply(new PaymentCharged(sagaId, 3700));
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            run.deadlinePasses();
        }
        // The cancellation goes first: it fences off an approval still on its way (only a PENDING order is approved).
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(run.command()).isEqualTo(new CancelOrder(sagaId, orderId, CancellationReason.TIMED_OUT));
        run.reply(new OrderCancellationRecorded(sagaId, true));
        assertThat(run.command()).isEqualTo(new RefundPayment(sagaId, orderId, customer));
        run.reply(new PaymentRefunded(sagaId, 3700));
        assertThat(run.command()).isEqualTo(new ReleaseStock(sagaId, orderId));
        run.reply(new StockReleased(sagaId, 3));
        // the order's own compensation again: it is CANCELLED already, which order-service records as done
        assertThat(run.command()).isEqualTo(new CancelOrder(sagaId, orderId, CancellationReason.TIMED_OUT));
        run.reply(new OrderCancellationRecorded(sagaId, true));
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATED);
    }

    @Test
    void completesWithoutRefundingWhenTheApprovalArrivedAfterItsDeadline() {
        Run run = new Run();
        run.reply(new StockReserved(sagaId, priced, 3700));
        run.reply(new PaymentCharged(sagaId, 3700));
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            run.deadlinePasses();
        }
        // order-service approved the order late: it is CONFIRMED, and nothing has been undone yet
        run.reply(new OrderCancellationRecorded(sagaId, false));

        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(run.state.failureReason()).isNull();
        assertThat(run.lastCommands).isEmpty();
    }

    @Test
    void failsVisiblyWhenACompensationStaysUnanswered() {
        Run run = new Run();
        run.reply(new StockReserved(sagaId, priced, 3700));
        run.reply(new PaymentDeclined(sagaId, PaymentDeclined.Reason.INSUFFICIENT_FUNDS));
        UUID releaseId = run.state.awaitingMessageId();
        ReleaseStock release = (ReleaseStock) run.command();
        // Far more sends than a forward step gets: giving a compensation up leaves the stock held.
        for (int attempt = 2; attempt <= COMPENSATION_MAX_ATTEMPTS; attempt++) {
            run.deadlinePasses();
            assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATING);
            assertThat(run.state.attempt()).isEqualTo(attempt);
            assertThat(run.lastCommands).containsExactly(new Decision.Command(releaseId, release));
        }
        run.deadlinePasses();
        assertThat(run.state.status()).isEqualTo(SagaStatus.FAILED);
        assertThat(run.state.failureReason())
                .isEqualTo("compensation of RESERVE_STOCK unanswered after " + COMPENSATION_MAX_ATTEMPTS + " attempts");
        assertThat(run.lastCommands).isEmpty();
        assertThat(run.deadlinePasses()).isInstanceOf(Decision.Ignore.class);
    }

    @Test
    void customerCancellationDuringReservationReleasesWhateverMayHaveBeenReserved() {
        Run run = new Run();
        UUID reserveId = run.state.awaitingMessageId();
        run.customerCancels();
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATING);
        assertThat(run.command()).isEqualTo(new ReleaseStock(sagaId, orderId));
        // the reservation's own reply arrives afterwards and must not move the saga
        assertThat(run.replyCorrelatedWith(reserveId, new StockReserved(sagaId, priced, 3700)))
                .isInstanceOf(Decision.Ignore.class);
        run.reply(new StockReleased(sagaId, 3));
        assertThat(run.command()).isEqualTo(new CancelOrder(sagaId, orderId, CancellationReason.CANCELLED_BY_CUSTOMER));
        run.reply(new OrderCancellationRecorded(sagaId, true));
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATED);
    }

    @Test
    void customerCancellationDuringChargeRefundsThenReleases() {
        Run run = new Run();
        run.reply(new StockReserved(sagaId, priced, 3700));
        run.customerCancels();
        assertThat(run.command()).isEqualTo(new RefundPayment(sagaId, orderId, customer));
        run.reply(new PaymentRefunded(sagaId, 0));
        assertThat(run.command()).isEqualTo(new ReleaseStock(sagaId, orderId));
    }

    @Test
    void customerCancellationDuringApprovalRefundsOnceTheOrderIsKnownCancelled() {
        Run run = new Run();
        run.reply(new StockReserved(sagaId, priced, 3700));
        run.reply(new PaymentCharged(sagaId, 3700));
        run.customerCancels();
        assertThat(run.command())
                .isEqualTo(new CancelOrder(sagaId, orderId, CancellationReason.CANCELLED_BY_CUSTOMER));
        run.reply(new OrderCancellationRecorded(sagaId, true));
        assertThat(run.command()).isEqualTo(new RefundPayment(sagaId, orderId, customer));
    }

    @Test
    void customerCancellationChangesNothingOnceCompensatingOrEnded() {
        Run run = new Run();
        run.reply(new StockRejected(sagaId, StockRejected.Reason.OUT_OF_STOCK, List.of("SKU-1")));
        assertThat(run.customerCancels()).isInstanceOf(Decision.Ignore.class);
        run.reply(new OrderCancellationRecorded(sagaId, true));
        assertThat(run.customerCancels()).isInstanceOf(Decision.Ignore.class);
        assertThat(run.state.status()).isEqualTo(SagaStatus.COMPENSATED);
    }
}
