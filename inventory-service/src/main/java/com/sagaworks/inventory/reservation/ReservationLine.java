package com.sagaworks.inventory.reservation;

import com.sagaworks.contracts.inventory.PricedLine;

/** Units of one product held by a reservation, at the catalog price of the moment it was made. */
public record ReservationLine(String sku, int quantity, long unitPriceCents) {

    long totalCents() {
        return Math.multiplyExact(unitPriceCents, (long) quantity);
    }

    PricedLine toPricedLine() {
        return new PricedLine(sku, quantity, unitPriceCents);
    }
}
