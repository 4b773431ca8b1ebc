package com.sagaworks.inventory.reservation;

/**
 * Where a saga's reservation stands. The database enforces the same moves (trigger
 * {@code reservation_guard_transition}); {@code ReservationStatusTransitionsIT} checks the two agree.
 */
public enum ReservationStatus {

    /** Every line's units are held for the saga, priced from the catalog. */
    RESERVED,
    /** Nothing was reserved because a product was unknown or short; final. */
    REJECTED,
    /** The saga holds nothing any more: its units went back, or the release came first (a tombstone); final. */
    RELEASED;

    /** The one legal move: a reservation is released. Rejections and releases are never undone. */
    public boolean canBecome(ReservationStatus next) {
        return this == RESERVED && next == RELEASED;
    }
}
