package com.sagaworks.orchestrator.admin;

import java.util.List;

/**
 * Whether a saga is stuck and why, from evidence: the symptoms say that it is stuck, the causes what the
 * orchestrator's own tables show about where its awaited message is.
 */
public record Diagnosis(boolean stuck, List<Finding> findings) {

    /** What kind of finding. */
    public enum Kind {
        /** The saga ended FAILED: support must act. */
        FAILED,
        /** A compensation was refused or kept failing; the finding carries the last error. */
        COMPENSATION_FAILING,
        /** The step's command has been re-sent after its deadline; no reply yet. */
        RETRYING,
        /** The last attempt's deadline passed too: the sweeper gives the step up or leaves the saga FAILED. */
        RETRIES_SPENT,
        /** The saga has not moved for longer than the threshold. */
        NOT_MOVED,
        /** The awaited command is still in the orchestrator's outbox: the relay has not published it. */
        RELAY_BACKLOG,
        /** The awaited command was published and nothing answered: the participant is down or slow. */
        NO_REPLY,
        /** A message of the saga was dead-lettered by some service: poison. */
        POISON,
        /** How far the consumer groups of the awaited command's topic are behind (detail page only). */
        CONSUMER_LAG
    }

    /** One finding in words support can act on. */
    public record Finding(Kind kind, String text) {
    }

    /** The first cause (or symptom) for a one-line summary in lists. */
    public String summary() {
        return findings.stream()
                .filter(f -> f.kind() == Kind.RELAY_BACKLOG || f.kind() == Kind.POISON || f.kind() == Kind.NO_REPLY
                        || f.kind() == Kind.COMPENSATION_FAILING)
                .findFirst()
                .or(() -> findings.stream().findFirst())
                .map(Finding::text)
                .orElse("");
    }
}
