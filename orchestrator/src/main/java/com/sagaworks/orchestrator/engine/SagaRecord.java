package com.sagaworks.orchestrator.engine;

import java.time.Instant;
import java.util.UUID;

/** A saga row as stored, with its data still as JSON text (its type depends on the saga definition). */
public record SagaRecord(UUID id, String type, String businessKey, SagaStatus status, String currentStep,
                         int version, String dataJson, UUID awaitingMessageId, int attempt, String failureReason,
                         Instant deadlineAt, Instant createdAt, Instant updatedAt) {
}
