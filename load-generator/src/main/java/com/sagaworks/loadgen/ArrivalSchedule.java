package com.sagaworks.loadgen;

/**
 * When each order of an open-model run is due: order {@code i} at {@code start + i / rate}, fixed before the run
 * starts. Sends follow this clock whatever the answers do, and latency is measured from the due time, so a slow
 * system cannot slow the arrivals down and hide its own queueing (coordinated omission).
 *
 * @param startNanos  {@link System#nanoTime()} of the first order
 * @param ratePerSecond orders per second, positive
 * @param count       how many orders the run sends
 */
record ArrivalSchedule(long startNanos, double ratePerSecond, long count) {

    ArrivalSchedule {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
    }

    static ArrivalSchedule of(long startNanos, double ratePerSecond, double durationSeconds) {
        return new ArrivalSchedule(startNanos, ratePerSecond, Math.round(ratePerSecond * durationSeconds));
    }

    /** Due time of order {@code index}; computed from the start, not from the previous send, so errors never add up. */
    long dueNanos(long index) {
        return startNanos + Math.round(index * 1_000_000_000d / ratePerSecond);
    }

    /** How many orders are due by {@code nowNanos}: the number a scheduler that is not behind has sent. */
    long dueBy(long nowNanos) {
        if (nowNanos < startNanos) {
            return 0;
        }
        long due = (long) Math.floor((nowNanos - startNanos) * ratePerSecond / 1_000_000_000d) + 1;
        return Math.min(due, count);
    }
}
