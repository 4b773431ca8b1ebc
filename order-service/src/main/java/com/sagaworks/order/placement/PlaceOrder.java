package com.sagaworks.order.placement;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.inventory.OrderLine;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a client asks for: a customer and the lines, never prices (inventory prices them). The web layer
 * reports violations field by field; these checks only keep a malformed order out of the service layer.
 */
public record PlaceOrder(CustomerId customerId, List<OrderLine> lines) {

    public static final int MAX_LINES = 50;

    public PlaceOrder {
        Objects.requireNonNull(customerId, "customer id");
        lines = List.copyOf(lines);
        if (lines.isEmpty() || lines.size() > MAX_LINES) {
            throw new IllegalArgumentException("an order has 1 to " + MAX_LINES + " lines, not " + lines.size());
        }
        Set<String> skus = new HashSet<>();
        for (OrderLine line : lines) {
            if (!skus.add(line.sku())) {
                throw new IllegalArgumentException("sku " + line.sku() + " appears on more than one line");
            }
        }
    }
}
