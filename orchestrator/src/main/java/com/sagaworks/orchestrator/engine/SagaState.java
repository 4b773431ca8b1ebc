package com.sagaworks.orchestrator.engine;

import com.sagaworks.contracts.SagaId;

import java.util.UUID;

/**
 * A saga as the decision function sees it.
 *
 * @param currentStep       the step whose action (RUNNING) or compensation (COMPENSATING) was sent last
 * @param awaitingMessageId the id of that command: only a reply correlated with it can move the saga
 * @param failureReason     why the saga left the happy path, for support; {@code null} while it is on it
 */
public record SagaState<D>(SagaId sagaId, String type, SagaStatus status, String currentStep, int version,
                           D data, UUID awaitingMessageId, String failureReason) {

    SagaState<D> next(SagaStatus status, String step, D data, UUID awaiting, String failureReason) {
        return new SagaState<>(sagaId, type, status, step, version + 1, data, awaiting, failureReason);
    }
}
