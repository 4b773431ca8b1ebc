package com.sagaworks.orchestrator.web;

import com.sagaworks.orchestrator.engine.SagaHistoryEntry;
import com.sagaworks.orchestrator.engine.SagaRecord;
import com.sagaworks.orchestrator.engine.SagaStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A saga as the JSON API shows it: its state, its data and its timeline. */
public record SagaView(UUID sagaId, String type, String businessKey, SagaStatus status, String currentStep,
                       int version, String failureReason, UUID awaitingMessageId, Instant deadlineAt,
                       Instant createdAt, Instant updatedAt, JsonNode data, List<HistoryView> history) {

    /** One timeline entry. */
    public record HistoryView(String kind, int version, SagaStatus fromStatus, SagaStatus toStatus, String fromStep,
                              String toStep, UUID messageId, String messageType, JsonNode commands, String reason,
                              Instant at) {
    }

    static SagaView of(SagaRecord s, List<SagaHistoryEntry> history, JsonMapper json) {
        return new SagaView(s.id(), s.type(), s.businessKey(), s.status(), s.currentStep(), s.version(),
                s.failureReason(), s.awaitingMessageId(), s.deadlineAt(), s.createdAt(), s.updatedAt(),
                json.readTree(s.dataJson()),
                history.stream().map(h -> new HistoryView(h.kind(), h.version(), h.fromStatus(), h.toStatus(),
                        h.fromStep(), h.toStep(), h.messageId(), h.messageType(), json.readTree(h.commands()),
                        h.reason(), h.createdAt())).toList());
    }
}
