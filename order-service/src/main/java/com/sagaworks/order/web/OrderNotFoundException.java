package com.sagaworks.order.web;

import com.sagaworks.contracts.OrderId;

/** No order has the requested id. */
class OrderNotFoundException extends RuntimeException {

    OrderNotFoundException(OrderId id) {
        super("no order " + id);
    }
}
