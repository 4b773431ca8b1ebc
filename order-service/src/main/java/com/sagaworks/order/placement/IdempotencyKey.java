package com.sagaworks.order.placement;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The client's {@code Idempotency-Key}: one key, one order. Printable ASCII up to 128 characters, which
 * fits a UUID or any sensible client-made token and keeps the unique index small.
 */
public record IdempotencyKey(String value) {

    public static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[\\x20-\\x7E]{1," + MAX_LENGTH + "}");

    public IdempotencyKey {
        Objects.requireNonNull(value, "idempotency key");
        if (value.isBlank() || !ALLOWED.matcher(value).matches()) {
            throw new InvalidIdempotencyKeyException(
                    "Idempotency-Key must be 1 to " + MAX_LENGTH + " printable ASCII characters and not blank");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
