package com.sagaworks.order.cancellation;

import com.sagaworks.contracts.order.CancelOrder;
import com.sagaworks.contracts.order.OrderCancellationRecorded;
import com.sagaworks.contracts.order.OrderCancelled;
import com.sagaworks.contracts.order.OrderReply;
import com.sagaworks.messaging.consumer.PermanentMessageException;
import com.sagaworks.messaging.outbox.Outbox;
import com.sagaworks.order.Order;
import com.sagaworks.order.OrderRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;

/**
 * Handles {@link CancelOrder}, the compensation of placing an order: a PENDING order becomes CANCELLED with
 * the saga's reason and is announced publicly with {@link OrderCancelled}. Runs in the consumer's
 * transaction, like {@link com.sagaworks.order.approval.OrderApproval}.
 */
@Service
public class OrderCancellation {

    private static final Logger log = LoggerFactory.getLogger(OrderCancellation.class);

    private final OrderRepository orders;
    private final Outbox outbox;

    OrderCancellation(OrderRepository orders, Outbox outbox) {
        this.orders = orders;
        this.outbox = outbox;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public OrderReply cancel(CancelOrder command) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("orderId", command.orderId().toString())) {
            Order order = orders.lock(command.orderId())
                    .orElseThrow(() -> new PermanentMessageException("order " + command.orderId() + " does not exist"));
            return switch (order.status()) {
                case PENDING -> {
                    Instant cancelledAt = orders.cancel(order, command.reason());
                    outbox.send(new OrderCancelled(order.id(), order.customerId(), command.reason(), cancelledAt));
                    log.info("order {} CANCELLED ({})", order.id(), command.reason());
                    yield new OrderCancellationRecorded(command.sagaId(), true);
                }
                case CANCELLED -> new OrderCancellationRecorded(command.sagaId(), true);
                case CONFIRMED -> {
                    // Not an error here: the orchestrator learns from cancelled=false that the order stands. An
                    // approval that came after its deadline completes the saga; anywhere else it is left FAILED.
                    log.warn("order {} is CONFIRMED and cannot be cancelled ({} requested)", order.id(), command.reason());
                    yield new OrderCancellationRecorded(command.sagaId(), false);
                }
            };
        }
    }
}
