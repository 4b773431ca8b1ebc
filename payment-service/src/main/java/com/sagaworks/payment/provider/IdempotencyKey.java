package com.sagaworks.payment.provider;

import com.sagaworks.contracts.SagaId;

import java.util.Locale;
import java.util.Objects;

/**
 * The key a provider deduplicates an operation on. Derived from the saga and the operation alone, so every
 * retry, every recovery and every instance of the service sends the same key for the same money movement.
 */
public record IdempotencyKey(SagaId sagaId, Operation operation) {

    /** What the key is for; a saga has at most one of each. */
    public enum Operation {

        /** Taking the saga's amount from the customer. */
        CHARGE,
        /** Giving the saga's charge back. */
        REFUND
    }

    public IdempotencyKey {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(operation, "operation");
    }

    public static IdempotencyKey charge(SagaId sagaId) {
        return new IdempotencyKey(sagaId, Operation.CHARGE);
    }

    public static IdempotencyKey refund(SagaId sagaId) {
        return new IdempotencyKey(sagaId, Operation.REFUND);
    }

    /** The key of the charge a refund gives back. */
    public IdempotencyKey chargeKey() {
        return charge(sagaId);
    }

    /** {@code <saga id>:charge} or {@code <saga id>:refund}, as sent to the provider. */
    public String value() {
        return sagaId + ":" + operation.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return value();
    }
}
