package com.sagaworks.contracts.order;

import com.sagaworks.contracts.OrderId;

/**
 * Public order events on {@link com.sagaworks.contracts.Topics#ORDER_EVENTS} (schema version 1), keyed by
 * order id. Other teams depend on these shapes: add fields, never rename or remove them.
 */
public sealed interface OrderEvent permits OrderPlaced, OrderConfirmed, OrderCancelled {

    OrderId orderId();
}
