package com.sagaworks.orchestrator.engine;

/**
 * What a reply means for the saga, as decided by a step's reply handler. For an action reply, {@code Proceed}
 * moves to the next step and {@code Fail} starts compensation; for a compensation reply, {@code Proceed} moves to
 * the previous compensation, {@code Fail} leaves the saga FAILED for support, and {@code TookEffect} takes the saga
 * forward again.
 */
public sealed interface StepOutcome<D> {

    D data();

    /** The step did what it was asked; carry on with the (possibly enriched) saga data. */
    record Proceed<D>(D data) implements StepOutcome<D> {
    }

    /** The step did not take effect (or the compensation cannot be done); {@code reason} is shown to support. */
    record Fail<D>(D data, String reason) implements StepOutcome<D> {
    }

    /**
     * A compensation's answer: the action it was to undo took effect after all (late, after its deadline) and can no
     * longer be undone, so the saga goes forward again from the step after it, as if the action had answered in
     * time. Allowed only where nothing has been compensated yet, that is for a step with no compensating step after
     * it; anywhere else it leaves the saga FAILED like {@link Fail}.
     */
    record TookEffect<D>(D data, String reason) implements StepOutcome<D> {
    }

    static <D> StepOutcome<D> proceed(D data) {
        return new Proceed<>(data);
    }

    static <D> StepOutcome<D> fail(D data, String reason) {
        return new Fail<>(data, reason);
    }

    static <D> StepOutcome<D> tookEffect(D data, String reason) {
        return new TookEffect<>(data, reason);
    }
}
