package com.sagaworks.contracts.inventory;

import com.sagaworks.contracts.SagaMessage;

/** Commands inventory-service accepts on {@link com.sagaworks.contracts.Topics#INVENTORY_COMMANDS}. */
public sealed interface InventoryCommand extends SagaMessage permits ReserveStock, ReleaseStock {
}
