package com.sagaworks.order.web;

import com.sagaworks.order.OrderStatus;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.UUID;

/** Answer to {@code POST /orders}: the order's id and its status now. */
@Schema(name = "OrderAccepted")
record OrderAccepted(UUID orderId,
                     @Schema(description = "PENDING for a new order; a replay shows the status now") OrderStatus status) {
}
