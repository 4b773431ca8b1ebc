package com.sagaworks.order;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Name of an API client (a shop, an app, a backend) as configured under {@code sagaworks.orders.clients}.
 * Every order belongs to the client that placed it; a client never sees another client's orders.
 */
public record ClientId(String value) {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public ClientId {
        Objects.requireNonNull(value, "client id");
        if (!ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException("a client id is 1 to 64 letters, digits, '.', '_' or '-', starting with"
                    + " a letter or digit: '" + value + "'");
        }
    }

    public static ClientId of(String value) {
        return new ClientId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
