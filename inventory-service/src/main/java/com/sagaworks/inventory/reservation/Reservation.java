package com.sagaworks.inventory.reservation;

import com.sagaworks.contracts.inventory.StockRejected;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A saga's reservation as stored.
 *
 * @param reason       why it was rejected; {@code null} unless {@link ReservationStatus#REJECTED}
 * @param rejectedSkus the skus that caused the rejection; empty unless rejected
 * @param lines        what it holds (RESERVED) or held (RELEASED after a reservation), by sku; empty otherwise
 */
public record Reservation(UUID sagaId, UUID orderId, ReservationStatus status, StockRejected.Reason reason,
                          List<String> rejectedSkus, long totalCents, Instant createdAt, Instant updatedAt,
                          List<ReservationLine> lines) {

    public Reservation {
        rejectedSkus = List.copyOf(rejectedSkus);
        lines = List.copyOf(lines);
    }

    Reservation withLines(List<ReservationLine> newLines) {
        return new Reservation(sagaId, orderId, status, reason, rejectedSkus, totalCents, createdAt, updatedAt,
                newLines);
    }

    int units() {
        return lines.stream().mapToInt(ReservationLine::quantity).reduce(0, Math::addExact);
    }
}
