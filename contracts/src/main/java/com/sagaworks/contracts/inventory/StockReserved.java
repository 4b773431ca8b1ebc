package com.sagaworks.contracts.inventory;

import com.sagaworks.contracts.SagaId;

import java.util.List;

/** Every line is reserved; prices come from the catalog and {@code totalCents} is their sum. */
public record StockReserved(SagaId sagaId, List<PricedLine> lines, long totalCents) implements InventoryReply {

    public StockReserved {
        lines = List.copyOf(lines);
    }
}
