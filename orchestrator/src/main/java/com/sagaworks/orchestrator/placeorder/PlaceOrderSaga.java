package com.sagaworks.orchestrator.placeorder;

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
import com.sagaworks.contracts.order.OrderCancelled;
import com.sagaworks.contracts.order.OrderPlaced;
import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.contracts.payment.PaymentRefunded;
import com.sagaworks.contracts.payment.RefundPayment;
import com.sagaworks.orchestrator.engine.SagaDefinition;

import java.time.Duration;

import static com.sagaworks.orchestrator.engine.StepOutcome.fail;
import static com.sagaworks.orchestrator.engine.StepOutcome.proceed;
import static com.sagaworks.orchestrator.engine.StepOutcome.tookEffect;

/**
 * The place-order saga. order-service created the order PENDING before the saga started, so the first step only
 * has a compensation (cancel the order); compensations run in reverse order of the steps that took effect.
 */
public final class PlaceOrderSaga {

    public static final String TYPE = "place-order";

    private PlaceOrderSaga() {
    }

    public static SagaDefinition<PlaceOrderData> definition(Duration stepTimeout) {
        return SagaDefinition.named(TYPE, PlaceOrderData.class)
                .startedBy(OrderPlaced.class, placed -> placed.orderId().toString(), PlaceOrderData::from)
                .stepTimeout(stepTimeout)
                .onTimeout(d -> d.cancelledBecause(CancellationReason.TIMED_OUT))
                // the customer cancelled while the saga runs: order-service already marked the order CANCELLED
                .abortedBy(OrderCancelled.class, cancelled -> cancelled.orderId().toString(),
                        (d, cancelled) -> d.cancelledBecause(cancelled.reason()))

                .step("ORDER")
                .compensateWith(d -> new CancelOrder(d.sagaId(), d.orderId(), d.cancellationReason()))
                .onCompensationReply(OrderCancellationRecorded.class, (d, r) -> r.cancelled()
                        ? proceed(d)
                        : fail(d, "order " + d.orderId() + " is already CONFIRMED and cannot be cancelled"))

                .step("RESERVE_STOCK")
                .invoke(d -> new ReserveStock(d.sagaId(), d.orderId(), d.lines()))
                .onReply(StockReserved.class, (d, r) -> proceed(d.reserved(r.lines(), r.totalCents())))
                .onReply(StockRejected.class, (d, r) -> {
                    var reason = r.reason() == StockRejected.Reason.UNKNOWN_PRODUCT
                            ? CancellationReason.UNKNOWN_PRODUCT : CancellationReason.OUT_OF_STOCK;
                    return fail(d.cancelledBecause(reason), "stock rejected: " + r.reason() + " " + r.skus());
                })
                .compensateWith(d -> new ReleaseStock(d.sagaId(), d.orderId()))
                .onCompensationReply(StockReleased.class, (d, r) -> proceed(d))

                .step("CHARGE_PAYMENT")
                .invoke(d -> new ChargePayment(d.sagaId(), d.orderId(), d.customerId(), d.totalCents()))
                .onReply(PaymentCharged.class, (d, r) -> proceed(d))
                .onReply(PaymentDeclined.class, (d, r) -> fail(d.cancelledBecause(CancellationReason.PAYMENT_DECLINED),
                        "payment declined: " + r.reason()))
                .compensateWith(d -> new RefundPayment(d.sagaId(), d.orderId(), d.customerId()))
                .onCompensationReply(PaymentRefunded.class, (d, r) -> proceed(d))

                .step("APPROVE_ORDER")
                .invoke(d -> new ApproveOrder(d.sagaId(), d.orderId(), d.pricedLines(), d.totalCents()))
                .onReply(OrderApproved.class, (d, r) -> proceed(d))
                .onReply(OrderApprovalRefused.class, (d, r) -> fail(d.cancelledBecause(r.reason()),
                        "order approval refused: " + r.reason()))
                // Approval unanswered in time (or the saga aborted while it waits): cancel the order first, which
                // also fences off a late approval (order-service approves only a PENDING order). If the approval
                // got there first the order is CONFIRMED, nothing has been undone yet, and the saga completes.
                .compensateWith(d -> new CancelOrder(d.sagaId(), d.orderId(), d.cancellationReason()))
                .onCompensationReply(OrderCancellationRecorded.class, (d, r) -> r.cancelled()
                        ? proceed(d)
                        : tookEffect(d, "order " + d.orderId() + " was approved after all"))

                .build();
    }
}
