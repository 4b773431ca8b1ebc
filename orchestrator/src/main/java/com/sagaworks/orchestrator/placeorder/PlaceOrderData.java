package com.sagaworks.orchestrator.placeorder;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.contracts.order.OrderPlaced;

import java.util.List;

/**
 * What the place-order saga knows, stored as JSON in the saga row.
 *
 * @param pricedLines        the lines as priced by inventory (empty until stock is reserved)
 * @param totalCents         their total, which is what payment charges and the order shows
 * @param cancellationReason why the order will be cancelled, once a step has failed
 */
public record PlaceOrderData(SagaId sagaId, OrderId orderId, CustomerId customerId, List<OrderLine> lines,
                             List<PricedLine> pricedLines, long totalCents, CancellationReason cancellationReason) {

    public PlaceOrderData {
        lines = List.copyOf(lines);
        pricedLines = List.copyOf(pricedLines);
    }

    static PlaceOrderData from(SagaId sagaId, OrderPlaced placed) {
        return new PlaceOrderData(sagaId, placed.orderId(), placed.customerId(), placed.lines(), List.of(), 0, null);
    }

    PlaceOrderData reserved(List<PricedLine> priced, long total) {
        return new PlaceOrderData(sagaId, orderId, customerId, lines, priced, total, cancellationReason);
    }

    PlaceOrderData cancelledBecause(CancellationReason reason) {
        return new PlaceOrderData(sagaId, orderId, customerId, lines, pricedLines, totalCents, reason);
    }
}
