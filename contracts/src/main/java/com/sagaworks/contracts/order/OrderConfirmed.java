package com.sagaworks.contracts.order;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.inventory.PricedLine;

import java.time.Instant;
import java.util.List;

/** The order is CONFIRMED: stock is reserved and the customer charged {@code totalCents}. */
public record OrderConfirmed(OrderId orderId, CustomerId customerId, List<PricedLine> lines, long totalCents,
                             Instant confirmedAt) implements OrderEvent {

    public OrderConfirmed {
        lines = List.copyOf(lines);
    }
}
