package com.sagaworks.orchestrator.engine;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a saga stands. The allowed moves are {@link #TRANSITIONS}; the database holds the same table
 * ({@code saga_status_transition}) and a trigger refuses any other update, so a bug in Java cannot jump a saga
 * from COMPLETED back to RUNNING.
 */
public enum SagaStatus {
    /** Forward steps are running; the saga waits for the reply to its current step's action. */
    RUNNING,
    /** A step failed; completed steps are being undone in reverse order, one compensation at a time. */
    COMPENSATING,
    /** Every step succeeded. Final. */
    COMPLETED,
    /** Every completed step was compensated. Final. */
    COMPENSATED,
    /** A compensation could not be done (or a message was poison); support must act. */
    FAILED;

    /** The one transition table: engine, operators and the database trigger all follow it. */
    public static final Map<SagaStatus, Set<SagaStatus>> TRANSITIONS = Map.of(
            RUNNING, EnumSet.of(RUNNING, COMPENSATING, COMPLETED, COMPENSATED, FAILED),
            // forward again: the first compensation found that the action it was to undo took effect after all
            COMPENSATING, EnumSet.of(COMPENSATING, COMPENSATED, FAILED, RUNNING, COMPLETED),
            // support staff may retry the compensation, or resolve by hand after checking the participants
            FAILED, EnumSet.of(COMPENSATING, COMPENSATED, COMPLETED),
            COMPLETED, EnumSet.noneOf(SagaStatus.class),
            COMPENSATED, EnumSet.noneOf(SagaStatus.class));

    public boolean canMoveTo(SagaStatus next) {
        return TRANSITIONS.get(this).contains(next);
    }

    /** True when the engine will not move this saga any more without an operator. */
    public boolean isEnded() {
        return this == COMPLETED || this == COMPENSATED || this == FAILED;
    }
}
