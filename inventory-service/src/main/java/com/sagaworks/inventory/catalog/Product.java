package com.sagaworks.inventory.catalog;

/** A catalog entry: its price and the units free to reserve. */
public record Product(String sku, String name, long priceCents, int available) {
}
