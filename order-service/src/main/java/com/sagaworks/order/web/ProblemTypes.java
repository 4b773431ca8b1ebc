package com.sagaworks.order.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code type} URIs of the service's problem details. Part of the public API: clients branch on them, so
 * they never change meaning. Errors that the HTTP status fully describes (unknown path, method not allowed,
 * unsupported media type) keep the RFC 9457 default type {@code about:blank}.
 */
final class ProblemTypes {

    static final URI INVALID_REQUEST = type("invalid-request");
    static final URI UNAUTHENTICATED = type("unauthenticated");
    static final URI ORDER_NOT_FOUND = type("order-not-found");
    static final URI ORDER_ALREADY_CONFIRMED = type("order-already-confirmed");
    static final URI REQUEST_TOO_LARGE = type("request-too-large");
    static final URI IDEMPOTENCY_KEY_REUSED = type("idempotency-key-reused");
    static final URI UNKNOWN_CUSTOMER = type("unknown-customer");
    static final URI TEMPORARILY_UNAVAILABLE = type("temporarily-unavailable");
    static final URI OVERLOADED = type("overloaded");

    /** Status and meaning of each type, for the OpenAPI description. */
    static final Map<URI, String> DESCRIBED;

    static {
        Map<URI, String> described = new LinkedHashMap<>();
        described.put(INVALID_REQUEST, "400: a field, header or parameter is invalid or the body is unreadable;"
                + " `errors` lists `{field, message}` when fields are to blame");
        described.put(UNAUTHENTICATED, "401: no `X-Api-Key` header, or a key that belongs to no client");
        described.put(ORDER_NOT_FOUND, "404: no order with this id among the calling client's orders");
        described.put(ORDER_ALREADY_CONFIRMED, "409: the order is CONFIRMED and can no longer be cancelled");
        described.put(REQUEST_TOO_LARGE, "413: the body is larger than the service accepts");
        described.put(IDEMPOTENCY_KEY_REUSED, "422: the Idempotency-Key already placed an order from a different"
                + " request; nothing was created");
        described.put(UNKNOWN_CUSTOMER, "422: the customer is not one of the calling client's customers");
        described.put(TEMPORARILY_UNAVAILABLE, "503 with `Retry-After`: the database stayed busy through every"
                + " retry; nothing was committed, retry (with the same Idempotency-Key)");
        described.put(OVERLOADED, "503 with `Retry-After`: too many orders are in flight, the placement was refused"
                + " before anything was created; retry after that many seconds (with the same Idempotency-Key)");
        DESCRIBED = Map.copyOf(described);
    }

    private ProblemTypes() {
    }

    private static URI type(String name) {
        return URI.create("urn:sagaworks:problem:" + name);
    }
}
