package com.sagaworks.order.placement;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.order.OrderStatus;

/**
 * The answer to a placement request.
 *
 * @param status   the order's status now (a replay may find it already CONFIRMED or CANCELLED)
 * @param replayed true when the key had already made this order and nothing new was created
 */
public record Placement(OrderId orderId, OrderStatus status, boolean replayed) {
}
