package com.sagaworks.contracts.inventory;

import com.sagaworks.contracts.SagaId;

import java.util.List;

/** Nothing was reserved. {@code skus} names the lines that caused the rejection. */
public record StockRejected(SagaId sagaId, Reason reason, List<String> skus) implements InventoryReply {

    public StockRejected {
        skus = List.copyOf(skus);
    }

    public enum Reason {
        /** At least one line asks for more units than are available. */
        OUT_OF_STOCK,
        /** At least one line names a product the catalog does not have. */
        UNKNOWN_PRODUCT,
        /** The saga's stock was already released (the compensation overtook this reservation). */
        ALREADY_RELEASED
    }
}
