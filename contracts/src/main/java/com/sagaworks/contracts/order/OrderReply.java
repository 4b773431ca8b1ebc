package com.sagaworks.contracts.order;

import com.sagaworks.contracts.SagaMessage;

/** Replies order-service sends to the orchestrator on {@link com.sagaworks.contracts.Topics#ORDER_REPLIES}. */
public sealed interface OrderReply extends SagaMessage
        permits OrderApproved, OrderApprovalRefused, OrderCancellationRecorded {
}
