package com.sagaworks.order.web;

import com.sagaworks.order.OrderStatus;

import java.util.UUID;

/** Answer to {@code POST /orders}: the order's id and its status now. */
record OrderAccepted(UUID orderId, OrderStatus status) {
}
