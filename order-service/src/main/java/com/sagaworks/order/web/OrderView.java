package com.sagaworks.order.web;

import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.order.Order;
import com.sagaworks.order.OrderStatus;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Answer to {@code GET /orders/{id}}.
 *
 * @param reason     why the order was cancelled; null unless CANCELLED
 * @param totalCents the charged total; null until CONFIRMED
 */
record OrderView(UUID orderId, String customerId, OrderStatus status, CancellationReason reason, Long totalCents,
                 List<Line> lines, Instant createdAt, Instant updatedAt) {

    /** @param unitPriceCents inventory's price; null until CONFIRMED */
    record Line(String sku, int quantity, Long unitPriceCents) {
    }

    static OrderView of(Order order) {
        return new OrderView(
                order.id().value(),
                order.customerId().value(),
                order.status(),
                order.reason(),
                order.totalCents(),
                order.lines().stream().map(l -> new Line(l.sku(), l.quantity(), l.unitPriceCents())).toList(),
                order.createdAt(),
                order.updatedAt());
    }
}
