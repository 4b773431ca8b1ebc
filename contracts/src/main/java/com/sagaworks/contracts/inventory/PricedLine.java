package com.sagaworks.contracts.inventory;

/** A reserved line priced from inventory's catalog at the moment of reservation. */
public record PricedLine(String sku, int quantity, long unitPriceCents) {

    public long lineTotalCents() {
        return Math.multiplyExact(unitPriceCents, (long) quantity);
    }
}
