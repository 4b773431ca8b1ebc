package com.sagaworks.orchestrator.admin;

import com.sagaworks.orchestrator.engine.SagaStatus;

import java.time.Instant;
import java.util.UUID;

/**
 * The search form: every field optional, all given ones must match.
 *
 * @param waitingMinutes only waiting sagas (RUNNING, COMPENSATING) that have not moved for longer than this
 * @param after          the keyset cursor: the last row of the previous page
 */
public record SagaFilter(UUID sagaId, String orderId, String customer, SagaStatus status, String step,
                         Integer waitingMinutes, Cursor after) {

    public SagaFilter {
        orderId = blankToNull(orderId);
        customer = blankToNull(customer);
        step = blankToNull(step);
        if (waitingMinutes != null && waitingMinutes < 0) {
            throw new IllegalArgumentException("waiting minutes must not be negative");
        }
    }

    /** Position after a row in the newest-first order; written as {@code <created-at>_<saga-id>} in links. */
    public record Cursor(Instant createdAt, UUID id) {

        public static Cursor parse(String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            int cut = text.lastIndexOf('_');
            if (cut < 0) {
                throw new IllegalArgumentException("cursor must be <created-at>_<saga-id>");
            }
            return new Cursor(Instant.parse(text.substring(0, cut)), UUID.fromString(text.substring(cut + 1)));
        }

        @Override
        public String toString() {
            return createdAt + "_" + id;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
