package com.sagaworks.loadgen;

import java.util.List;

/**
 * Whether a step of the find-max search kept up. By Little's law the orders in flight are rate x latency: while the
 * system keeps up they level off, when it falls behind they grow for as long as the load lasts. A step is sustained
 * when nothing failed and no placement was refused (a {@code 503}, even one whose retry then succeeded: the stack
 * was turning orders away), the orders in flight at the end are no more than the step's first-half level allows
 * (no growth), and the outbox backlog is small. Completions are not compared with sends: at a latency of seconds a
 * short step legitimately ends with many orders in flight, and what was sent minus what completed is the
 * in-flight count the growth check already judges.
 */
final class Sustained {

    /** In flight at the end may exceed the first half's peak by this factor before it counts as growth. */
    static final double GROWTH_FACTOR = 1.5;
    /** Slack for small numbers: a handful of orders in flight is noise, not a trend. */
    static final long SLACK = 20;

    record Verdict(boolean sustained, String reason) {
    }

    private Sustained() {
    }

    static Verdict judge(long errors, long refusals, List<Long> inFlightSamples, double outboxBacklogAtEnd,
                         double rate) {
        if (errors > 0) {
            return new Verdict(false, errors + " orders failed");
        }
        if (refusals > 0) {
            return new Verdict(false, refusals + " answers 503 (retried)");
        }
        if (inFlightSamples.size() >= 4) {
            List<Long> firstHalf = inFlightSamples.subList(1, inFlightSamples.size() / 2);
            long early = firstHalf.stream().mapToLong(Long::longValue).max().orElse(0);
            long end = inFlightSamples.getLast();
            if (end > GROWTH_FACTOR * early + SLACK) {
                return new Verdict(false, "in flight grew from %d to %d".formatted(early, end));
            }
        }
        // a backlog of more than half a second of arrivals means the relays are not keeping up
        if (outboxBacklogAtEnd > rate * 0.5 + SLACK) {
            return new Verdict(false, "outbox backlog %.0f rows".formatted(outboxBacklogAtEnd));
        }
        return new Verdict(true, "in flight stable, backlog %.0f".formatted(outboxBacklogAtEnd));
    }
}
