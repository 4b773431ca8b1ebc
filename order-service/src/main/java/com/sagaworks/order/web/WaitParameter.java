package com.sagaworks.order.web;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** The {@code wait} of {@code GET /orders/{id}?wait=PT5S}: an ISO-8601 duration, shortened to the maximum. */
final class WaitParameter {

    static final String NAME = "wait";

    private WaitParameter() {
    }

    /** @return zero when absent (answer at once) */
    static Duration parse(String text, Duration max) {
        if (text == null) {
            return Duration.ZERO;
        }
        Duration wait;
        try {
            wait = Duration.parse(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidParameterException(NAME, "must be an ISO-8601 duration such as PT5S");
        }
        if (wait.isNegative()) {
            throw new InvalidParameterException(NAME, "must not be negative");
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
