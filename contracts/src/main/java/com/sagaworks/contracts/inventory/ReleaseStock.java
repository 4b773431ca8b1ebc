package com.sagaworks.contracts.inventory;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;

/**
 * Compensation of {@link ReserveStock}: put the saga's reserved units back. Valid even if the reservation
 * never happened (it then leaves a tombstone so a late ReserveStock is refused); answered by
 * {@link StockReleased}.
 */
public record ReleaseStock(SagaId sagaId, OrderId orderId) implements InventoryCommand {
}
