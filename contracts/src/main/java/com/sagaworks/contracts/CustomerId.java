package com.sagaworks.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;

/** Identity of a paying customer, as known to order-service and payment-service. */
public record CustomerId(@JsonValue String value) {

    public CustomerId {
        Objects.requireNonNull(value, "customer id");
        if (value.isBlank()) {
            throw new IllegalArgumentException("customer id must not be blank");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static CustomerId of(String value) {
        return new CustomerId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
