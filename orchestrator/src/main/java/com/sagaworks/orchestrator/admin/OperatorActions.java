package com.sagaworks.orchestrator.admin;

import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.orchestrator.engine.OperatorAction;
import com.sagaworks.orchestrator.engine.SagaEngine;
import com.sagaworks.orchestrator.engine.SagaRepository;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Previews and applies operator actions. An action names the saga version its preview showed; the engine refuses
 * it if the saga moved since, so a double submit or a stale page changes nothing. Every submission, applied or
 * refused, is audited in the same transaction as its effect.
 */
@Service
public class OperatorActions {

    private final SagaEngine engine;
    private final SagaRepository sagas;
    private final AdminQueries queries;
    private final ParticipantStates participants;
    private final TransactionRunner transactions;
    private final JsonMapper json;

    OperatorActions(SagaEngine engine, SagaRepository sagas, AdminQueries queries, ParticipantStates participants,
                    TransactionRunner transactions, JsonMapper json) {
        this.engine = engine;
        this.sagas = sagas;
        this.queries = queries;
        this.participants = participants;
        this.transactions = transactions;
        this.json = json;
    }

    public AdminViews.Preview preview(UUID sagaId, int version, OperatorAction action) {
        List<ParticipantStates.State> states = participantsFor(sagaId, action);
        SagaEngine.OperatorOutcome outcome = transactions.inTransaction("preview operator action",
                () -> engine.operate(sagaId, version, action, "preview", "preview", false));
        return AdminViews.Preview.of(sagaId, action, version, outcome, ResolveCheck.objections(action, states),
                states);
    }

    public AdminViews.ActionResult apply(UUID sagaId, int version, OperatorAction action, String actor,
                                         String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a reason is required for every operator action");
        }
        String why = reason.strip();
        // participants are read before the transaction: no HTTP call while the saga row is locked
        List<String> objections = ResolveCheck.objections(action, participantsFor(sagaId, action));
        return transactions.inTransaction("operator " + action + " on saga " + sagaId, () -> {
            SagaEngine.OperatorOutcome outcome = objections.isEmpty()
                    ? engine.operate(sagaId, version, action, actor, why, true)
                    : engine.operate(sagaId, version, action, actor, why, false);
            boolean applied = outcome.possible() && objections.isEmpty();
            String refusal = !outcome.possible() ? outcome.refusal()
                    : objections.isEmpty() ? null : "participants do not allow it: " + String.join("; ", objections);
            queries.insertAudit(sagaId, actor, action.name(), why, version, applied, refusal,
                    json.writeValueAsString(applied ? outcome.commands().stream()
                            .map(c -> Map.of("id", c.id().toString(), "type", c.type())).toList() : List.of()));
            return new AdminViews.ActionResult(sagaId, action, applied, refusal,
                    applied || !outcome.possible() ? outcome.version() : version, outcome);
        });
    }

    private List<ParticipantStates.State> participantsFor(UUID sagaId, OperatorAction action) {
        if (action != OperatorAction.RESOLVE_COMPENSATED && action != OperatorAction.RESOLVE_COMPLETED) {
            return List.of();
        }
        String orderId = sagas.find(sagaId).orElseThrow(() -> new IllegalArgumentException("no saga " + sagaId))
                .businessKey();
        return participants.of(sagaId, orderId);
    }
}
