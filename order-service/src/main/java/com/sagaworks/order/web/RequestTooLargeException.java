package com.sagaworks.order.web;

import java.io.IOException;

/**
 * A request body of unannounced length grew past the limit while it was read. An {@link IOException} so that
 * it travels through the JSON parser like any read failure and reaches the problem-details advice as the
 * cause of the unreadable body.
 */
class RequestTooLargeException extends IOException {

    RequestTooLargeException(long limit) {
        super("the request body is larger than " + limit + " bytes");
    }
}
