package com.sagaworks.contracts.order;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;

import java.time.Instant;

/** The order is CANCELLED; nothing is reserved or charged for it any more. */
public record OrderCancelled(OrderId orderId, CustomerId customerId, CancellationReason reason, Instant cancelledAt)
        implements OrderEvent {
}
