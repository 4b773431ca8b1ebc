package com.sagaworks.order;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where an order is in its life. The allowed moves are {@link #next()}; the table
 * {@code order_status_transition} holds the same pairs and a trigger on {@code orders} refuses any other
 * change, so an illegal jump fails in Postgres even if Java is bypassed (a test keeps the two equal).
 */
public enum OrderStatus {

    /** Accepted from the client; the place-order saga is reserving stock and charging the customer. */
    PENDING,
    /** Stock reserved, customer charged, prices and total fixed. Final. */
    CONFIRMED,
    /** Will not be fulfilled; carries a {@link com.sagaworks.contracts.order.CancellationReason}. Final. */
    CANCELLED;

    private static final Map<OrderStatus, Set<OrderStatus>> TRANSITIONS = new EnumMap<>(OrderStatus.class);

    static {
        TRANSITIONS.put(PENDING, Collections.unmodifiableSet(EnumSet.of(CONFIRMED, CANCELLED)));
        TRANSITIONS.put(CONFIRMED, Collections.unmodifiableSet(EnumSet.noneOf(OrderStatus.class)));
        TRANSITIONS.put(CANCELLED, Collections.unmodifiableSet(EnumSet.noneOf(OrderStatus.class)));
    }

    /** The statuses an order in this status may move to. */
    public Set<OrderStatus> next() {
        return TRANSITIONS.get(this);
    }

    public boolean canMoveTo(OrderStatus target) {
        return next().contains(target);
    }

    /** A final order never changes again. */
    public boolean isFinal() {
        return next().isEmpty();
    }

    /** @throws IllegalStateException when {@code target} is not an allowed next status */
    public void requireMoveTo(OrderStatus target) {
        if (!canMoveTo(target)) {
            throw new IllegalStateException("an order cannot move from " + this + " to " + target);
        }
    }
}
