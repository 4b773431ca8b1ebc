package com.sagaworks.contracts.order;

import com.sagaworks.contracts.SagaMessage;

/** Commands order-service accepts from the orchestrator on {@link com.sagaworks.contracts.Topics#ORDER_COMMANDS}. */
public sealed interface OrderCommand extends SagaMessage permits ApproveOrder, CancelOrder {
}
