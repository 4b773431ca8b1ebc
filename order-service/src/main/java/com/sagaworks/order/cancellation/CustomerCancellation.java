package com.sagaworks.order.cancellation;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.contracts.order.OrderCancelled;
import com.sagaworks.messaging.outbox.Outbox;
import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.order.Order;
import com.sagaworks.order.OrderRepository;
import com.sagaworks.order.access.ApiClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.util.Optional;

/**
 * A customer withdraws an order ({@code POST /orders/{id}/cancel}). One transaction, under the order's row
 * lock, marks it CANCELLED ({@link CancellationReason#CANCELLED_BY_CUSTOMER}) and queues the public
 * {@link OrderCancelled}; the orchestrator reacts to that event by compensating whatever the saga had done
 * (refund, release) and then sends {@code CancelOrder}, which finds the order already cancelled.
 *
 * <p>The row lock serialises this with the saga's {@code ApproveOrder}: whichever commits first wins, and
 * the other sees the final status. A confirmed order is never cancelled here.
 */
@Service
public class CustomerCancellation {

    private static final Logger log = LoggerFactory.getLogger(CustomerCancellation.class);

    private final OrderRepository orders;
    private final Outbox outbox;
    private final TransactionRunner transactions;

    CustomerCancellation(OrderRepository orders, Outbox outbox, TransactionRunner transactions) {
        this.orders = orders;
        this.outbox = outbox;
        this.transactions = transactions;
    }

    /**
     * @return the order as it is after the request: CANCELLED, now or already (then nothing changed); empty
     * when {@code client} has no such order
     * @throws OrderAlreadyConfirmedException when the order is CONFIRMED; nothing changed
     */
    public Optional<Order> cancel(OrderId id, ApiClient client) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("orderId", id.toString())) {
            return transactions.inTransaction("cancel-order", () -> orders.lock(id)
                    .filter(client::owns)
                    .map(this::cancelLocked));
        }
    }

    private Order cancelLocked(Order order) {
        return switch (order.status()) {
            case PENDING -> {
                Instant cancelledAt = orders.cancel(order, CancellationReason.CANCELLED_BY_CUSTOMER);
                outbox.send(new OrderCancelled(order.id(), order.customerId(), CancellationReason.CANCELLED_BY_CUSTOMER,
                        cancelledAt));
                log.info("order {} CANCELLED by the customer", order.id());
                yield orders.find(order.id()).orElseThrow(
                        () -> new IllegalStateException("order " + order.id() + " vanished inside its own transaction"));
            }
            // Asking twice is answered like the first time: the order is cancelled, whatever the reason was.
            case CANCELLED -> order;
            case CONFIRMED -> throw new OrderAlreadyConfirmedException(order.id());
        };
    }
}
