package com.sagaworks.contracts.order;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.PricedLine;

import java.util.List;

/** Confirm a pending order at the reserved prices; answered by {@link OrderApproved} or {@link OrderApprovalRefused}. */
public record ApproveOrder(SagaId sagaId, OrderId orderId, List<PricedLine> lines, long totalCents)
        implements OrderCommand {

    public ApproveOrder {
        lines = List.copyOf(lines);
    }
}
