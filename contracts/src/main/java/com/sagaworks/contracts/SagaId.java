package com.sagaworks.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

/** Identity of one saga instance; the Kafka key of every command and reply that belongs to it. */
public record SagaId(@JsonValue UUID value) {

    public SagaId {
        Objects.requireNonNull(value, "saga id");
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SagaId of(UUID value) {
        return new SagaId(value);
    }

    public static SagaId parse(String text) {
        return new SagaId(UUID.fromString(text));
    }

    public static SagaId random() {
        return new SagaId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
