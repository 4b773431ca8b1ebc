package com.sagaworks.order.web;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code wait} preference of an RFC 7240 {@code Prefer} header ({@code Prefer: wait=10}): how many seconds the
 * client would rather wait for the outcome in this answer than ask for it again. As the RFC asks, preferences this
 * server does not know, parameters, and a {@code wait} whose value is not a number of seconds are ignored, not
 * refused; when a preference occurs more than once only the first counts. The answer's
 * {@code Preference-Applied} header tells the client whether and how long the server waited.
 */
final class PreferWait {

    static final String PREFER = "Prefer";
    static final String PREFERENCE_APPLIED = "Preference-Applied";
    private static final String NAME = "wait";
    /** More digits than any sensible wait; longer values are still read as "very long" and shortened. */
    private static final int MAX_DIGITS = 18;

    private PreferWait() {
    }

    /**
     * @param headers the {@code Prefer} header values as received (one per header line; each may list several
     *                preferences separated by commas)
     * @param max     the longest wait this server grants; a longer one is shortened to it
     * @return the wait to apply, in whole seconds and at most {@code max}; empty when there is no usable
     * {@code wait} preference
     */
    static Optional<Duration> parse(List<String> headers, Duration max) {
        if (headers == null) {
            return Optional.empty();
        }
        for (String header : headers) {
            for (String preference : header.split(",")) {
                // A preference's own parameters follow its first ';' and are not needed here.
                int parameters = preference.indexOf(';');
                String token = (parameters < 0 ? preference : preference.substring(0, parameters)).strip();
                int equals = token.indexOf('=');
                String name = (equals < 0 ? token : token.substring(0, equals)).strip();
                if (!name.toLowerCase(Locale.ROOT).equals(NAME)) {
                    continue;
                }
                // The first wait decides, even when it is unusable: later ones are not considered (RFC 7240, 2).
                return equals < 0 ? Optional.empty() : seconds(token.substring(equals + 1).strip(), max);
            }
        }
        return Optional.empty();
    }

    /** The header value telling the client the wait that was applied. */
    static String applied(Duration wait) {
        return NAME + "=" + wait.toSeconds();
    }

    private static Optional<Duration> seconds(String value, Duration max) {
        String digits = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > MAX_DIGITS) {
            return Optional.of(wholeSeconds(max));
        }
        Duration wait = Duration.ofSeconds(Long.parseLong(significant));
        return Optional.of(wait.compareTo(max) > 0 ? wholeSeconds(max) : wait);
    }

    private static Duration wholeSeconds(Duration duration) {
        return Duration.ofSeconds(duration.toSeconds());
    }
}
