package com.sagaworks.contracts.order;

import com.sagaworks.contracts.SagaId;

/**
 * The order is CANCELLED (now or already before). {@code cancelled} is false only when the order was
 * CONFIRMED and therefore could not be cancelled any more.
 */
public record OrderCancellationRecorded(SagaId sagaId, boolean cancelled) implements OrderReply {
}
