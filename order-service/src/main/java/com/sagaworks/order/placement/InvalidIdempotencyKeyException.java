package com.sagaworks.order.placement;

/** The client sent an {@code Idempotency-Key} that cannot be one: a client error. */
public class InvalidIdempotencyKeyException extends IllegalArgumentException {

    public InvalidIdempotencyKeyException(String message) {
        super(message);
    }
}
