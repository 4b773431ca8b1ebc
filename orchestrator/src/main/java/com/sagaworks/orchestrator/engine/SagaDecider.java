package com.sagaworks.orchestrator.engine;

import com.sagaworks.contracts.SagaId;
import com.sagaworks.orchestrator.engine.CommandIds.Phase;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The saga's decision as a pure function: {@code (definition, state, reply) -> (new state, commands)}. No I/O,
 * no clock, no randomness, so every path is unit-tested without Kafka or PostgreSQL.
 */
public final class SagaDecider {

    private SagaDecider() {
    }

    /** The first transition of a new saga: run the first step that has an action. */
    public static <D> Decision.Transition<D> start(SagaDefinition<D> definition, SagaId sagaId, D data) {
        var initial = new SagaState<>(sagaId, definition.type(), SagaStatus.RUNNING, null, 0, data, null, 1, null);
        return runForwardFrom(definition, initial, 0, data);
    }

    /**
     * Reads a reply. Only a reply correlated with the command the saga waits for can move it; anything else
     * (a duplicate, a reply to an earlier step or attempt, a reply after the end) is ignored with a reason.
     */
    public static <D> Decision<D> decide(SagaDefinition<D> definition, SagaState<D> state, UUID correlationId,
                                         Object reply) {
        Objects.requireNonNull(reply, "reply");
        if (state.status().isEnded()) {
            return new Decision.Ignore<>("saga already " + state.status());
        }
        if (correlationId == null || !correlationId.equals(state.awaitingMessageId())) {
            return new Decision.Ignore<>("reply to command " + correlationId + " but the saga waits for "
                    + state.awaitingMessageId() + " (" + state.currentStep() + ")");
        }
        boolean compensating = state.status() == SagaStatus.COMPENSATING;
        int index = definition.indexOf(state.currentStep());
        SagaStep<D> step = definition.steps().get(index);
        BiFunction<D, Object, StepOutcome<D>> handler = step.replyHandler(reply.getClass(), compensating).orElse(null);
        if (handler == null) {
            return new Decision.Ignore<>(reply.getClass().getSimpleName() + " does not answer "
                    + (compensating ? "the compensation of " : "") + step.name());
        }
        StepOutcome<D> outcome = handler.apply(state.data(), reply);
        return switch (outcome) {
            case StepOutcome.Proceed<D> p when compensating -> compensateFrom(definition, state, index - 1, p.data(),
                    state.failureReason());
            case StepOutcome.Proceed<D> p -> runForwardFrom(definition, state, index + 1, p.data());
            case StepOutcome.Fail<D> f when compensating -> new Decision.Transition<>(
                    state.next(SagaStatus.FAILED, step.name(), f.data(), null,
                            "compensation of " + step.name() + " failed: " + f.reason()), List.of());
            // the failed step did not take effect, so compensation starts with the step before it
            case StepOutcome.Fail<D> f -> compensateFrom(definition, state, index - 1, f.data(), f.reason());
            // Forward recovery: nothing was undone yet, so the saga carries on as if the action had answered.
            case StepOutcome.TookEffect<D> t when compensating && nothingCompensatedAfter(definition, index) ->
                    runForwardFrom(definition, state, index + 1, t.data());
            case StepOutcome.TookEffect<D> t when compensating -> new Decision.Transition<>(
                    state.next(SagaStatus.FAILED, step.name(), t.data(), null,
                            "compensation of " + step.name() + " failed: " + t.reason()), List.of());
            case StepOutcome.TookEffect<D> t -> runForwardFrom(definition, state, index + 1, t.data());
        };
    }

    /**
     * The current step's deadline passed without a reply. The command is sent again under the same id (the
     * participant deduplicates it) until the {@link Attempts} for its kind are spent; then a forward step is given up
     * and compensated together with everything before it, because a command that timed out may still have taken
     * effect, and an unanswered compensation leaves the saga FAILED for support.
     */
    public static <D> Decision<D> onDeadline(SagaDefinition<D> definition, SagaState<D> state, Attempts attempts) {
        if (state.status().isEnded()) {
            return new Decision.Ignore<>("saga already " + state.status());
        }
        int index = definition.indexOf(state.currentStep());
        SagaStep<D> step = definition.steps().get(index);
        boolean compensating = state.status() == SagaStatus.COMPENSATING;
        if (state.attempt() < attempts.allowed(state.status())) {
            Object command = (compensating ? step.compensation() : step.action()).apply(state.data());
            return new Decision.Transition<>(state.resent(),
                    List.of(new Decision.Command(state.awaitingMessageId(), command)));
        }
        String what = (compensating ? "compensation of " : "") + step.name();
        String reason = what + " unanswered after " + state.attempt() + " attempts";
        if (compensating) {
            return new Decision.Transition<>(state.next(SagaStatus.FAILED, step.name(), state.data(), null, reason),
                    List.of());
        }
        return compensateFrom(definition, state, index, definition.onTimeout().apply(state.data()), reason);
    }

    /**
     * An abort event (e.g. the customer cancelled the order) for this saga. A running saga compensates from its
     * current step inclusive: the reply to that step's command will arrive stale and be ignored, and the
     * compensation is safe whether or not the command took effect. Anything later changes nothing.
     */
    public static <D> Decision<D> onAbort(SagaDefinition<D> definition, SagaState<D> state, D markedData,
                                          String reason) {
        if (state.status() != SagaStatus.RUNNING) {
            return new Decision.Ignore<>("saga is " + state.status() + "; nothing to abort");
        }
        return compensateFrom(definition, state, definition.indexOf(state.currentStep()), markedData, reason);
    }

    /**
     * An operator's action, decided like a message so it obeys the same transition table. Retrying re-sends the
     * awaited command under its own id, because participants deduplicate by it and answer a repeat with their stored
     * reply: a new id could make a step take effect twice.
     */
    public static <D> Decision<D> onOperator(SagaDefinition<D> definition, SagaState<D> state, OperatorAction action,
                                             String reason) {
        return switch (action) {
            case RETRY -> retry(definition, state);
            case COMPENSATE -> state.status() == SagaStatus.RUNNING
                    ? compensateFrom(definition, state, definition.indexOf(state.currentStep()), state.data(), reason)
                    : new Decision.Ignore<>("only a RUNNING saga can be compensated now; this one is "
                    + state.status());
            case RESOLVE_COMPENSATED -> resolve(state, SagaStatus.COMPENSATED);
            case RESOLVE_COMPLETED -> resolve(state, SagaStatus.COMPLETED);
        };
    }

    private static <D> Decision<D> retry(SagaDefinition<D> definition, SagaState<D> state) {
        if (state.status() == SagaStatus.RUNNING || state.status() == SagaStatus.COMPENSATING) {
            SagaStep<D> step = definition.steps().get(definition.indexOf(state.currentStep()));
            boolean compensating = state.status() == SagaStatus.COMPENSATING;
            Object command = (compensating ? step.compensation() : step.action()).apply(state.data());
            return new Decision.Transition<>(state.resent(),
                    List.of(new Decision.Command(state.awaitingMessageId(), command)));
        }
        if (state.status() == SagaStatus.FAILED && state.currentStep() != null) {
            SagaStep<D> step = definition.steps().get(definition.indexOf(state.currentStep()));
            if (step.hasCompensation()) {
                UUID id = CommandIds.of(state.sagaId(), step.name(), Phase.COMPENSATION);
                return new Decision.Transition<>(
                        state.next(SagaStatus.COMPENSATING, step.name(), state.data(), id, state.failureReason()),
                        List.of(new Decision.Command(id, step.compensation().apply(state.data()))));
            }
        }
        return new Decision.Ignore<>("nothing to retry: saga is " + state.status()
                + (state.currentStep() == null ? "" : " at " + state.currentStep()));
    }

    private static <D> Decision<D> resolve(SagaState<D> state, SagaStatus target) {
        if (state.status() != SagaStatus.FAILED) {
            return new Decision.Ignore<>("only a FAILED saga is resolved by hand; this one is " + state.status());
        }
        return new Decision.Transition<>(state.next(target, null, state.data(), null, state.failureReason()),
                List.of());
    }

    /**
     * Whether a compensation run that reached step {@code index} has undone nothing yet: no step after it has a
     * compensation (compensations run in reverse order, so a later one would have run first).
     */
    private static boolean nothingCompensatedAfter(SagaDefinition<?> definition, int index) {
        return definition.steps().subList(index + 1, definition.steps().size()).stream()
                .noneMatch(SagaStep::hasCompensation);
    }

    private static <D> Decision.Transition<D> runForwardFrom(SagaDefinition<D> definition, SagaState<D> state,
                                                             int from, D data) {
        List<SagaStep<D>> steps = definition.steps();
        for (int i = from; i < steps.size(); i++) {
            SagaStep<D> step = steps.get(i);
            if (step.hasAction()) {
                UUID id = CommandIds.of(state.sagaId(), step.name(), Phase.ACTION);
                return new Decision.Transition<>(state.next(SagaStatus.RUNNING, step.name(), data, id, null),
                        List.of(new Decision.Command(id, step.action().apply(data))));
            }
        }
        return new Decision.Transition<>(state.next(SagaStatus.COMPLETED, null, data, null, null), List.of());
    }

    private static <D> Decision.Transition<D> compensateFrom(SagaDefinition<D> definition, SagaState<D> state,
                                                             int from, D data, String reason) {
        for (int i = from; i >= 0; i--) {
            SagaStep<D> step = definition.steps().get(i);
            if (step.hasCompensation()) {
                UUID id = CommandIds.of(state.sagaId(), step.name(), Phase.COMPENSATION);
                return new Decision.Transition<>(state.next(SagaStatus.COMPENSATING, step.name(), data, id, reason),
                        List.of(new Decision.Command(id, step.compensation().apply(data))));
            }
        }
        return new Decision.Transition<>(state.next(SagaStatus.COMPENSATED, null, data, null, reason), List.of());
    }
}
