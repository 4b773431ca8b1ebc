package com.sagaworks.contracts.inventory;

import com.sagaworks.contracts.SagaMessage;

/** Replies inventory-service sends on {@link com.sagaworks.contracts.Topics#INVENTORY_REPLIES}. */
public sealed interface InventoryReply extends SagaMessage permits StockReserved, StockRejected, StockReleased {
}
