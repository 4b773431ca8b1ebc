package com.sagaworks.orchestrator.web;

import com.sagaworks.orchestrator.engine.SagaRecord;
import com.sagaworks.orchestrator.engine.SagaStatus;

import java.time.Instant;
import java.util.UUID;

/** A saga in a list. */
public record SagaSummary(UUID sagaId, String type, String businessKey, SagaStatus status, String currentStep,
                          int version, String failureReason, Instant createdAt, Instant updatedAt) {

    static SagaSummary of(SagaRecord s) {
        return new SagaSummary(s.id(), s.type(), s.businessKey(), s.status(), s.currentStep(), s.version(),
                s.failureReason(), s.createdAt(), s.updatedAt());
    }
}
