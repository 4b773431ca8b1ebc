package com.sagaworks.orchestrator.admin;

import com.sagaworks.contracts.MessageCatalog;
import com.sagaworks.orchestrator.OrchestratorProperties;
import com.sagaworks.orchestrator.engine.Attempts;
import com.sagaworks.orchestrator.engine.SagaRecord;
import com.sagaworks.orchestrator.engine.SagaStatus;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Says whether a saga is stuck and, from what the orchestrator's own tables show, why. The checks are cheap point
 * lookups (the outbox row by id, the saga's dead-letter rows), so a list of a few dozen sagas can be diagnosed.
 */
@Component
class StuckDetector {

    private final AdminQueries queries;
    private final ConsumerLag lag;
    private final Clock clock;
    private final Duration stuckAfter;
    private final Attempts attempts;

    StuckDetector(AdminQueries queries, ConsumerLag lag, Clock clock, AdminProperties admin,
                  OrchestratorProperties orchestrator) {
        this.queries = queries;
        this.lag = lag;
        this.clock = clock;
        this.stuckAfter = admin.stuckAfter();
        this.attempts = orchestrator.attempts();
    }

    /** The diagnosis plus, for a saga whose command went out unanswered, the consumer lag on its topic. */
    Diagnosis diagnoseWithLag(SagaRecord saga) {
        Diagnosis diagnosis = diagnose(saga);
        if (diagnosis.findings().stream().noneMatch(f -> f.kind() == Diagnosis.Kind.NO_REPLY)) {
            return diagnosis;
        }
        return queries.commandType(saga.id(), saga.awaitingMessageId())
                .flatMap(MessageCatalog::byName)
                .map(entry -> {
                    List<Diagnosis.Finding> findings = new ArrayList<>(diagnosis.findings());
                    findings.add(new Diagnosis.Finding(Diagnosis.Kind.CONSUMER_LAG, lag.describe(entry.topic())));
                    return new Diagnosis(diagnosis.stuck(), List.copyOf(findings));
                })
                .orElse(diagnosis);
    }

    Diagnosis diagnose(SagaRecord saga) {
        Instant now = clock.instant();
        List<Diagnosis.Finding> findings = new ArrayList<>();
        boolean waiting = saga.status() == SagaStatus.RUNNING || saga.status() == SagaStatus.COMPENSATING;
        boolean stuck = false;
        if (saga.status() == SagaStatus.FAILED) {
            stuck = true;
            String reason = saga.failureReason() == null ? "no reason recorded" : saga.failureReason();
            findings.add(new Diagnosis.Finding(Diagnosis.Kind.FAILED, "FAILED: " + reason));
            if (reason.startsWith("compensation of")) {
                findings.add(new Diagnosis.Finding(Diagnosis.Kind.COMPENSATION_FAILING,
                        "compensation failing, last error: " + reason));
            }
        }
        if (waiting) {
            Duration still = Duration.between(saga.updatedAt(), now);
            int allowed = attempts.allowed(saga.status());
            if (saga.attempt() >= allowed && saga.deadlineAt() != null && saga.deadlineAt().isBefore(now)) {
                stuck = true;
                findings.add(new Diagnosis.Finding(Diagnosis.Kind.RETRIES_SPENT, "deadline passed after "
                        + saga.attempt() + " of " + allowed + " attempts at " + saga.currentStep()));
            } else if (saga.attempt() > 1) {
                stuck = true;
                findings.add(new Diagnosis.Finding(Diagnosis.Kind.RETRYING, saga.currentStep() + " re-sent, attempt "
                        + saga.attempt() + " of " + allowed + ", next deadline " + saga.deadlineAt()));
            }
            if (still.compareTo(stuckAfter) > 0) {
                stuck = true;
                findings.add(new Diagnosis.Finding(Diagnosis.Kind.NOT_MOVED, "not moved for " + rounded(still)
                        + " (threshold " + rounded(stuckAfter) + ")"));
            }
            if (stuck) {
                findings.add(awaitedCommand(saga));
            }
        }
        for (AdminQueries.DeadLetterEntry letter : queries.deadLetters(saga.id())) {
            stuck = true;
            findings.add(new Diagnosis.Finding(Diagnosis.Kind.POISON, "poison: " + letter.messageType() + " "
                    + letter.messageId() + " at " + letter.at() + ", " + letter.reason()));
        }
        return new Diagnosis(stuck, List.copyOf(findings));
    }

    /** Where the awaited command is: still queued for the relay, or published with no answer since. */
    private Diagnosis.Finding awaitedCommand(SagaRecord saga) {
        return queries.outboxEntry(saga.awaitingMessageId())
                .map(o -> new Diagnosis.Finding(Diagnosis.Kind.RELAY_BACKLOG, "relay backlog: " + o.type() + " "
                        + saga.awaitingMessageId() + " still in the outbox since " + o.queuedAt() + ", "
                        + o.ahead() + " rows ahead of it"))
                // the saga's last move sent (or re-sent) the awaited command, so updated_at is when it went out
                .orElseGet(() -> new Diagnosis.Finding(Diagnosis.Kind.NO_REPLY, "command "
                        + saga.awaitingMessageId() + " for " + saga.currentStep() + " published (attempt "
                        + saga.attempt() + "), no reply since " + saga.updatedAt()
                        + ": is the participant's consumer running?"));
    }

    private static String rounded(Duration d) {
        return d.toSeconds() >= 120 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
