package com.sagaworks.orchestrator.engine;

import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One step of a saga: the command that performs it (optional: a step may exist only to be compensated, like an
 * order that was created before the saga started), how each reply to it is read, and its compensation.
 */
public record SagaStep<D>(String name,
                          Function<D, Object> action,
                          Map<Class<?>, BiFunction<D, Object, StepOutcome<D>>> replyHandlers,
                          Function<D, Object> compensation,
                          Map<Class<?>, BiFunction<D, Object, StepOutcome<D>>> compensationReplyHandlers) {

    public SagaStep {
        replyHandlers = Map.copyOf(replyHandlers);
        compensationReplyHandlers = Map.copyOf(compensationReplyHandlers);
    }

    public boolean hasAction() {
        return action != null;
    }

    public boolean hasCompensation() {
        return compensation != null;
    }

    Optional<BiFunction<D, Object, StepOutcome<D>>> replyHandler(Class<?> replyType, boolean compensating) {
        return Optional.ofNullable((compensating ? compensationReplyHandlers : replyHandlers).get(replyType));
    }
}
