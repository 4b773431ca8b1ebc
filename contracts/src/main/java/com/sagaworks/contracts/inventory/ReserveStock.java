package com.sagaworks.contracts.inventory;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;

import java.util.List;

/** Reserve every line or none; answered by {@link StockReserved} or {@link StockRejected}. */
public record ReserveStock(SagaId sagaId, OrderId orderId, List<OrderLine> lines) implements InventoryCommand {

    public ReserveStock {
        lines = List.copyOf(lines);
    }
}
