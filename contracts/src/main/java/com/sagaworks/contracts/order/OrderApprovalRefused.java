package com.sagaworks.contracts.order;

import com.sagaworks.contracts.SagaId;

/** The order was not confirmed; it stays as it was (PENDING, or CANCELLED if the customer cancelled meanwhile). */
public record OrderApprovalRefused(SagaId sagaId, CancellationReason reason) implements OrderReply {
}
