package com.sagaworks.contracts.inventory;

import java.util.Objects;

/** One line of an order as the client asked for it: a product and a quantity, never a price. */
public record OrderLine(String sku, int quantity) {

    public OrderLine {
        Objects.requireNonNull(sku, "sku");
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be positive: " + quantity);
        }
    }
}
