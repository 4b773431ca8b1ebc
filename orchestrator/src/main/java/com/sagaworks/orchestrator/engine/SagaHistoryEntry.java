package com.sagaworks.orchestrator.engine;

import java.time.Instant;
import java.util.UUID;

/**
 * One line of a saga's timeline.
 *
 * @param kind     STARTED, TRANSITION, or IGNORED (a message that changed nothing, with the reason)
 * @param commands the commands sent by this transition, as JSON {@code [{"id","type"}]}
 */
public record SagaHistoryEntry(long id, String kind, int version, SagaStatus fromStatus, SagaStatus toStatus,
                               String fromStep, String toStep, UUID messageId, String messageType,
                               String commands, String reason, Instant createdAt) {
}
