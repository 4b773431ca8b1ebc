package com.sagaworks.order.approval;

import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.order.ApproveOrder;
import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.contracts.order.OrderApprovalRefused;
import com.sagaworks.contracts.order.OrderApproved;
import com.sagaworks.contracts.order.OrderConfirmed;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Handles {@link ApproveOrder}, the saga's last step: confirms a PENDING order at inventory's prices and
 * announces it publicly with {@link OrderConfirmed}. Runs in the consumer's transaction, which also records
 * the command in the inbox and queues the returned reply; a redelivered command is answered from the inbox.
 */
@Service
public class OrderApproval {

    private static final Logger log = LoggerFactory.getLogger(OrderApproval.class);

    private final OrderRepository orders;
    private final ApprovalPolicy policy;
    private final Outbox outbox;

    OrderApproval(OrderRepository orders, ApprovalPolicy policy, Outbox outbox) {
        this.orders = orders;
        this.policy = policy;
        this.outbox = outbox;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public OrderReply approve(ApproveOrder command) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("orderId", command.orderId().toString())) {
            // The lock serialises this with a CancelOrder for the same order and keeps the outbox rows of
            // one order (the key of its public events) in commit order.
            Order order = orders.lock(command.orderId())
                    .orElseThrow(() -> new PermanentMessageException("order " + command.orderId() + " does not exist"));
            return switch (order.status()) {
                case PENDING -> confirmOrRefuse(order, command);
                case CONFIRMED -> new OrderApproved(command.sagaId());
                case CANCELLED -> {
                    CancellationReason reason = order.cancellationReason().orElse(CancellationReason.APPROVAL_REFUSED);
                    log.info("order {} is already CANCELLED ({}); approval refused", order.id(), reason);
                    yield new OrderApprovalRefused(command.sagaId(), reason);
                }
            };
        }
    }

    private OrderReply confirmOrRefuse(Order order, ApproveOrder command) {
        long total = checkedTotal(order, command);
        if (!policy.approves(total)) {
            log.info("order {} refused: total {} cents is over the manual review limit; it stays PENDING",
                    order.id(), total);
            return new OrderApprovalRefused(command.sagaId(), CancellationReason.APPROVAL_REFUSED);
        }
        Instant confirmedAt = orders.confirm(order, command.lines(), total);
        outbox.send(new OrderConfirmed(order.id(), order.customerId(), command.lines(), total, confirmedAt));
        log.debug("order {} CONFIRMED, total {} cents", order.id(), total);
        return new OrderApproved(command.sagaId());
    }

    /**
     * The priced lines must be exactly the order's lines and add up to the command's total; anything else
     * means the command was built for another order state, and confirming it would charge one thing and
     * record another.
     */
    private static long checkedTotal(Order order, ApproveOrder command) {
        Map<String, Integer> ordered = new HashMap<>();
        order.lines().forEach(line -> ordered.put(line.sku(), line.quantity()));
        Map<String, Integer> priced = new HashMap<>();
        List<PricedLine> lines = command.lines();
        for (PricedLine line : lines) {
            if (priced.put(line.sku(), line.quantity()) != null) {
                throw new PermanentMessageException("order " + order.id() + ": sku " + line.sku() + " priced twice");
            }
            if (line.unitPriceCents() < 0) {
                throw new PermanentMessageException("order " + order.id() + ": negative price for sku " + line.sku());
            }
        }
        if (!priced.equals(ordered)) {
            throw new PermanentMessageException("order " + order.id() + ": the priced lines do not match the order's lines");
        }
        long total;
        try {
            total = lines.stream().mapToLong(PricedLine::lineTotalCents).reduce(0L, Math::addExact);
        } catch (ArithmeticException e) {
            throw new PermanentMessageException("order " + order.id() + ": total overflows", e);
        }
        if (total != command.totalCents()) {
            throw new PermanentMessageException("order " + order.id() + ": lines add up to " + total
                    + " cents but the command says " + command.totalCents());
        }
        return total;
    }
}
