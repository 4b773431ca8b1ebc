package com.sagaworks.contracts.order;

import com.sagaworks.contracts.SagaId;

/** The order is CONFIRMED. */
public record OrderApproved(SagaId sagaId) implements OrderReply {
}
