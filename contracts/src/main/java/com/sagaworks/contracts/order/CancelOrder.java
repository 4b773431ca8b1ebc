package com.sagaworks.contracts.order;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;

/** Compensation of placing the order: mark it cancelled with a reason; answered by {@link OrderCancellationRecorded}. */
public record CancelOrder(SagaId sagaId, OrderId orderId, CancellationReason reason) implements OrderCommand {
}
