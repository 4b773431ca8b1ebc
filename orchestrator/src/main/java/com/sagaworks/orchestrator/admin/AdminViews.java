package com.sagaworks.orchestrator.admin;

import com.sagaworks.orchestrator.engine.OperatorAction;
import com.sagaworks.orchestrator.engine.SagaEngine;
import com.sagaworks.orchestrator.engine.SagaStatus;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the admin pages and the JSON API show; the same records serve both. */
public final class AdminViews {

    private AdminViews() {
    }

    /** A saga in a list, with the one-line cause when it needs attention. */
    public record SagaRow(UUID sagaId, String type, String orderId, String customerId, SagaStatus status,
                          String currentStep, int version, int attempt, String failureReason, Instant createdAt,
                          Instant updatedAt, Instant deadlineAt, String cause) {
    }

    /** Sagas started in one minute. */
    public record MinuteCount(Instant minute, long sagas) {
    }

    public record Overview(Map<SagaStatus, Long> countsByStatus, long total, List<MinuteCount> startedPerMinute,
                           SagaRow oldestWaiting, List<SagaRow> needsAttention) {
    }

    /** One page of a search; {@code next} is the cursor of the following page, null on the last. */
    public record Page(SagaFilter filter, List<SagaRow> sagas, String next, long queryMillis) {
    }

    /** One line of the timeline: a transition, timeout, ignored or dead-lettered message, or operator action. */
    public record TimelineEntry(long id, String kind, int version, SagaStatus fromStatus, SagaStatus toStatus,
                                String fromStep, String toStep, UUID messageId, String messageType,
                                JsonNode commandsSent, String reason, Instant at) {
    }

    /** One operator action as audited, applied or refused. */
    public record AuditView(long id, String actor, String action, String reason, int seenVersion, String outcome,
                            String detail, JsonNode commands, Instant at) {
    }

    public record SagaDetail(SagaRow saga, UUID awaitingMessageId, JsonNode data, Diagnosis diagnosis,
                             List<ParticipantStates.State> participants, List<TimelineEntry> timeline,
                             List<AuditView> audit, List<OperatorAction> actions) {
    }

    /**
     * What an action would do, shown before it is confirmed: the move, the commands, and why it is not possible
     * (a refusal by the transition rules or objections from the participants' state).
     */
    public record Preview(UUID sagaId, OperatorAction action, int version, boolean possible,
                          SagaEngine.OperatorOutcome outcome, List<String> objections,
                          List<ParticipantStates.State> participants) {

        static Preview of(UUID sagaId, OperatorAction action, int version, SagaEngine.OperatorOutcome outcome,
                          List<String> objections, List<ParticipantStates.State> participants) {
            return new Preview(sagaId, action, version, outcome.possible() && objections.isEmpty(), outcome,
                    objections, participants);
        }
    }

    /** The result of a submitted action. */
    public record ActionResult(UUID sagaId, OperatorAction action, boolean applied, String refusal, int version,
                               SagaEngine.OperatorOutcome outcome) {
    }
}
