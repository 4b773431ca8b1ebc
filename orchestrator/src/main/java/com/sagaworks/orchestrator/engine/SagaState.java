package com.sagaworks.orchestrator.engine;

import com.sagaworks.contracts.SagaId;

import java.util.UUID;

/**
 * A saga as the decision function sees it.
 *
 * @param currentStep       the step whose action (RUNNING) or compensation (COMPENSATING) was sent last
 * @param awaitingMessageId the id of that command: only a reply correlated with it can move the saga
 * @param attempt           how many times that command has been sent (re-sends after a deadline keep its id)
 * @param failureReason     why the saga left the happy path, for support; {@code null} while it is on it
 */
public record SagaState<D>(SagaId sagaId, String type, SagaStatus status, String currentStep, int version,
                           D data, UUID awaitingMessageId, int attempt, String failureReason) {

    /** The state after sending a new command (or none, when the saga ends). */
    SagaState<D> next(SagaStatus status, String step, D data, UUID awaiting, String failureReason) {
        return new SagaState<>(sagaId, type, status, step, version + 1, data, awaiting, 1, failureReason);
    }

    /** The state after sending the current command once more. */
    SagaState<D> resent() {
        return new SagaState<>(sagaId, type, status, currentStep, version + 1, data, awaitingMessageId, attempt + 1,
                failureReason);
    }
}
