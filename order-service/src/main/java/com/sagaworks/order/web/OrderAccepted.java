package com.sagaworks.order.web;

import com.sagaworks.order.OrderStatus;
import com.sagaworks.order.placement.Placement;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.UUID;

/** Answer to {@code POST /orders}: the order's id and its status now. */
@Schema(name = "OrderAccepted")
record OrderAccepted(UUID orderId,
                     @Schema(description = "PENDING for a new order; a replay shows the status now") OrderStatus status) {

    static OrderAccepted of(Placement placed) {
        return new OrderAccepted(placed.orderId().value(), placed.status());
    }
}
