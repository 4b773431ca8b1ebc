package com.sagaworks.order;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.order.CancellationReason;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An order as stored.
 *
 * @param clientId   the API client that placed the order and alone may see it
 * @param reason     set exactly when the order is CANCELLED
 * @param totalCents set once the order is CONFIRMED
 * @param version    bumped by one on every change; updates are guarded by it
 */
public record Order(OrderId id, ClientId clientId, CustomerId customerId, OrderStatus status, CancellationReason reason,
                    Long totalCents, int version, Instant createdAt, Instant updatedAt, List<Line> lines) {

    /**
     * One line as the client asked for it.
     *
     * @param unitPriceCents inventory's price, known once the order is CONFIRMED
     */
    public record Line(int lineNo, String sku, int quantity, Long unitPriceCents) {
    }

    public Order {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(clientId, "client id");
        Objects.requireNonNull(status, "status");
        lines = List.copyOf(lines);
    }

    public Order withLines(List<Line> newLines) {
        return new Order(id, clientId, customerId, status, reason, totalCents, version, createdAt, updatedAt, newLines);
    }

    public Optional<CancellationReason> cancellationReason() {
        return Optional.ofNullable(reason);
    }
}
