package com.sagaworks.contracts.inventory;

import com.sagaworks.contracts.SagaId;

/** The saga holds no stock any more; {@code unitsReturned} is 0 when nothing had been reserved. */
public record StockReleased(SagaId sagaId, int unitsReturned) implements InventoryReply {
}
