package com.sagaworks.contracts.order;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.inventory.OrderLine;

import java.time.Instant;
import java.util.List;

/** A PENDING order was accepted; the orchestrator starts a place-order saga for it. */
public record OrderPlaced(OrderId orderId, CustomerId customerId, List<OrderLine> lines, Instant placedAt)
        implements OrderEvent {

    public OrderPlaced {
        lines = List.copyOf(lines);
    }
}
