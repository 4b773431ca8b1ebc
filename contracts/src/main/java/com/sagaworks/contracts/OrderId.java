package com.sagaworks.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

/** Identity of an order, assigned by order-service; the Kafka key of the public order events. */
public record OrderId(@JsonValue UUID value) {

    public OrderId {
        Objects.requireNonNull(value, "order id");
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static OrderId of(UUID value) {
        return new OrderId(value);
    }

    public static OrderId parse(String text) {
        return new OrderId(UUID.fromString(text));
    }

    public static OrderId random() {
        return new OrderId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
