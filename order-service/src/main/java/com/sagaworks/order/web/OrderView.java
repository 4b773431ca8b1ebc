package com.sagaworks.order.web;

import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.order.Order;
import com.sagaworks.order.OrderStatus;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order as clients see it ({@code GET /orders/{id}}, listings, event streams, cancellation).
 *
 * @param reason     why the order was cancelled; null unless CANCELLED
 * @param totalCents the charged total; null until CONFIRMED
 */
@Schema(name = "Order")
record OrderView(
        UUID orderId,
        String customerId,
        @Schema(description = "PENDING while the saga runs; CONFIRMED or CANCELLED, both final")
        OrderStatus status,
        @Schema(description = "Why the order was cancelled; null unless CANCELLED", nullable = true)
        CancellationReason reason,
        @Schema(description = "The charged total in cents, at inventory's prices; null until CONFIRMED", nullable = true)
        Long totalCents,
        List<Line> lines,
        Instant createdAt,
        Instant updatedAt) {

    /** @param unitPriceCents inventory's price; null until CONFIRMED */
    @Schema(name = "OrderLine")
    record Line(String sku, int quantity,
                @Schema(description = "Inventory's price in cents; null until CONFIRMED", nullable = true)
                Long unitPriceCents) {
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
