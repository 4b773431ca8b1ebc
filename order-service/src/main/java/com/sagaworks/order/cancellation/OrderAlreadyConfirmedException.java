package com.sagaworks.order.cancellation;

import com.sagaworks.contracts.OrderId;

/** A customer asked to cancel an order that is already CONFIRMED: too late, nothing changed. */
public class OrderAlreadyConfirmedException extends RuntimeException {

    public OrderAlreadyConfirmedException(OrderId id) {
        super("order " + id + " is already CONFIRMED and can no longer be cancelled");
    }
}
