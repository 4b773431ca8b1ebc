package com.sagaworks.order.placement;

/**
 * The {@code Idempotency-Key} already made an order from a different request. Nothing was created: the
 * client must either resend the original request or use a new key.
 */
public class IdempotencyKeyReusedException extends RuntimeException {

    public IdempotencyKeyReusedException(IdempotencyKey key) {
        super("Idempotency-Key '" + key + "' was already used for a different order request");
    }
}
