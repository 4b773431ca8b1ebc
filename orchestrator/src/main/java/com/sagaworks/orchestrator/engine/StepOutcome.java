package com.sagaworks.orchestrator.engine;

/**
 * What a reply means for the saga, as decided by a step's reply handler. For an action reply, {@code Proceed}
 * moves to the next step and {@code Fail} starts compensation; for a compensation reply, {@code Proceed} moves to
 * the previous compensation and {@code Fail} leaves the saga FAILED for support.
 */
public sealed interface StepOutcome<D> {

    D data();

    /** The step did what it was asked; carry on with the (possibly enriched) saga data. */
    record Proceed<D>(D data) implements StepOutcome<D> {
    }

    /** The step did not take effect (or the compensation cannot be done); {@code reason} is shown to support. */
    record Fail<D>(D data, String reason) implements StepOutcome<D> {
    }

    static <D> StepOutcome<D> proceed(D data) {
        return new Proceed<>(data);
    }

    static <D> StepOutcome<D> fail(D data, String reason) {
        return new Fail<>(data, reason);
    }
}
