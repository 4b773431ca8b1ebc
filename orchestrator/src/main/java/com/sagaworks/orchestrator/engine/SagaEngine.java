package com.sagaworks.orchestrator.engine;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.SagaMessage;
import com.sagaworks.messaging.consumer.DeadLetter;
import com.sagaworks.messaging.consumer.IncomingMessage;
import com.sagaworks.messaging.consumer.PermanentMessageException;
import com.sagaworks.messaging.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Applies {@link SagaDecider}'s decisions to the database: one saga row update (version-guarded, under the row
 * lock), one history row and the outgoing commands in the outbox, all in the caller's transaction. It never
 * talks to Kafka.
 */
public class SagaEngine {

    private static final Logger log = LoggerFactory.getLogger(SagaEngine.class);
    /** A re-sent command waits twice as long as the previous send, up to this many step timeouts. */
    private static final int MAX_BACKOFF_FACTOR = 8;

    private final SagaDefinitions definitions;
    private final SagaRepository sagas;
    private final Outbox outbox;
    private final JsonMapper json;
    private final Clock clock;
    private final Attempts attempts;
    private final SagaMetrics metrics;

    public SagaEngine(SagaDefinitions definitions, SagaRepository sagas, Outbox outbox, JsonMapper json, Clock clock,
                      Attempts attempts, SagaMetrics metrics) {
        this.metrics = metrics;
        this.definitions = definitions;
        this.sagas = sagas;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
        this.attempts = attempts;
    }

    /** Starts the sagas that {@code event} triggers; a saga already started for its business key is left alone. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void start(IncomingMessage<?> event) {
        for (SagaDefinition<?> definition : definitions.startedBy(event.payload().getClass())) {
            start(definition, event);
        }
    }

    private <D, E> void start(SagaDefinition<D> definition, IncomingMessage<?> event) {
        @SuppressWarnings("unchecked")
        SagaDefinition.Trigger<E, D> trigger = (SagaDefinition.Trigger<E, D>) definition.trigger();
        E payload = trigger.eventType().cast(event.payload());
        String businessKey = trigger.businessKey().apply(payload);
        SagaId sagaId = definition.sagaIdFor(businessKey);
        D data = trigger.initialData().apply(sagaId, payload);
        Decision.Transition<D> first = SagaDecider.start(definition, sagaId, data);
        SagaState<D> s = first.next();
        boolean inserted = sagas.insertStarted(sagaId.value(), definition.type(), businessKey, s.status(),
                s.currentStep(), s.version(), json.writeValueAsString(s.data()), s.awaitingMessageId(),
                s.failureReason(), deadline(definition, s), new SagaRepository.HistoryNote("STARTED",
                        event.messageId(), typeName(event), commandsJson(first.commands()), null));
        if (!inserted) {
            log.info("saga {} {} for {} already started; {} ignored", definition.type(), sagaId, businessKey,
                    event.messageId());
            return;
        }
        send(first.commands());
        metrics.started(definition.type());
        log.debug("saga {} {} started for {}, waiting on {}", definition.type(), sagaId, businessKey, s.currentStep());
    }

    /** Abandons the running sagas that {@code event} aborts (see {@link SagaDefinition.Builder#abortedBy}). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void abort(IncomingMessage<?> event) {
        for (SagaDefinition<?> definition : definitions.abortedBy(event.payload().getClass())) {
            abort(definition, event);
        }
    }

    private <D, E> void abort(SagaDefinition<D> definition, IncomingMessage<?> event) {
        for (SagaDefinition.Abort<?, D> candidate : definition.aborts()) {
            if (!candidate.eventType().isInstance(event.payload())) {
                continue;
            }
            @SuppressWarnings("unchecked")
            SagaDefinition.Abort<E, D> abort = (SagaDefinition.Abort<E, D>) candidate;
            E payload = abort.eventType().cast(event.payload());
            String businessKey = abort.businessKey().apply(payload);
            sagas.lock(definition.type(), businessKey).ifPresentOrElse(
                    record -> decideAndApply(definition, record, "TRANSITION", event.messageId(), typeName(event),
                            state -> SagaDecider.onAbort(definition, state, abort.mark().apply(state.data(), payload),
                                    "aborted by " + typeName(event))),
                    () -> log.info("no {} saga for {}; {} changes nothing", definition.type(), businessKey,
                            typeName(event)));
        }
    }

    /**
     * Some service dead-lettered a message of a saga: the saga does not move (its deadline will re-send or give
     * up), but its timeline says which message was refused where and why, so support sees it.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void onDeadLetter(DeadLetter letter) {
        letter.sagaId().flatMap(id -> sagas.find(id.value())).ifPresentOrElse(saga -> {
            sagas.appendHistory(saga.id(), "DEAD_LETTER", saga.version(), saga.status(), saga.status(),
                    saga.currentStep(), saga.currentStep(), letter.messageId().orElse(null),
                    letter.messageType().orElse(null), "[]",
                    "dead-lettered from " + letter.origin() + ": " + letter.reason());
            metrics.deadLettered(saga.type(), letter.sourceTopic());
            log.warn("saga {}: {} {} dead-lettered from {}: {}", saga.id(), letter.messageType().orElse("?"),
                    letter.messageId().orElse(null), letter.origin(), letter.reason());
        }, () -> log.warn("dead letter {} from {} names no saga of ours (saga-id {})", letter.id(), letter.origin(),
                letter.headers().get(MessageHeaders.SAGA_ID)));
    }

    /** Feeds a participant's reply to its saga. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void onReply(IncomingMessage<? extends SagaMessage> reply) {
        SagaId sagaId = reply.payload().sagaId();
        SagaRecord record = sagas.lock(sagaId.value())
                .orElseThrow(() -> new PermanentMessageException("no saga " + sagaId + " for " + typeName(reply)));
        applyReply(definitionOf(record), record, reply);
    }

    /**
     * Handles the passed deadline of a saga the caller has locked ({@link SagaRepository#lockDue}). A saga that
     * moved meanwhile (its deadline is no longer due) is left alone.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void onDeadline(UUID sagaId) {
        SagaRecord record = sagas.lock(sagaId).orElseThrow();
        if (record.deadlineAt() == null || record.deadlineAt().isAfter(clock.instant())) {
            return;
        }
        applyDeadline(definitionOf(record), record);
    }

    /**
     * What an operator's action does to the saga as seen at {@code seenVersion}: with {@code apply}, under the row
     * lock, it also moves the saga, appends an OPERATOR history row and queues the commands; without, it is a preview
     * and writes nothing. A saga that moved since {@code seenVersion} is refused, which makes a double submit a no-op.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public OperatorOutcome operate(UUID sagaId, int seenVersion, OperatorAction action, String actor, String why,
                                   boolean apply) {
        SagaRecord record = (apply ? sagas.lock(sagaId) : sagas.find(sagaId))
                .orElseThrow(() -> new IllegalArgumentException("no saga " + sagaId));
        if (record.version() != seenVersion) {
            return OperatorOutcome.refused(record, "saga moved from version " + seenVersion + " to "
                    + record.version() + " since it was shown; look again");
        }
        return operate(definitionOf(record), record, action, actor, why, apply);
    }

    private <D> OperatorOutcome operate(SagaDefinition<D> definition, SagaRecord record, OperatorAction action,
                                        String actor, String why, boolean apply) {
        SagaState<D> state = stateOf(definition, record);
        String label = action + " by " + actor + ": " + why;
        return switch (SagaDecider.onOperator(definition, state, action, label)) {
            case Decision.Ignore<D> ignore -> OperatorOutcome.refused(record, ignore.reason());
            case Decision.Transition<D> t -> {
                SagaState<D> next = t.next();
                if (apply) {
                    persist(definition, record, t, "OPERATOR", null, action.name(), label);
                    log.info("saga {} {}/{} -> {}/{} by operator {} ({})", record.id(), record.status(),
                            record.currentStep(), next.status(), next.currentStep(), actor, action);
                }
                yield new OperatorOutcome(true, null, record.status(), next.status(), record.currentStep(),
                        next.currentStep(), next.version(), t.commands().stream()
                        .map(c -> new OperatorOutcome.Command(c.messageId(), c.payload().getClass().getSimpleName(),
                                json.writeValueAsString(c.payload())))
                        .toList());
            }
        };
    }

    /** The result of {@link #operate}: what moved (or would), or why nothing can. */
    public record OperatorOutcome(boolean possible, String refusal, SagaStatus fromStatus, SagaStatus toStatus,
                                  String fromStep, String toStep, int version, List<Command> commands) {

        /** A command the action sends (or would send), with its payload as JSON for the preview. */
        public record Command(UUID id, String type, String payloadJson) {
        }

        static OperatorOutcome refused(SagaRecord record, String why) {
            return new OperatorOutcome(false, why, record.status(), record.status(), record.currentStep(),
                    record.currentStep(), record.version(), List.of());
        }
    }

    private <D> void applyReply(SagaDefinition<D> definition, SagaRecord record, IncomingMessage<?> reply) {
        decideAndApply(definition, record, "TRANSITION", reply.messageId(), typeName(reply),
                state -> SagaDecider.decide(definition, state, reply.correlationId(), reply.payload()));
    }

    private <D> void applyDeadline(SagaDefinition<D> definition, SagaRecord record) {
        decideAndApply(definition, record, "TIMEOUT", null, null,
                state -> SagaDecider.onDeadline(definition, state, attempts));
    }

    private SagaDefinition<?> definitionOf(SagaRecord record) {
        return definitions.byType(record.type()).orElseThrow(() -> new PermanentMessageException(
                "saga " + record.id() + " has unknown type " + record.type()));
    }

    private <D> void decideAndApply(SagaDefinition<D> definition, SagaRecord record, String kind, UUID messageId,
                                    String messageType, Function<SagaState<D>, Decision<D>> decide) {
        SagaState<D> state = stateOf(definition, record);
        switch (decide.apply(state)) {
            case Decision.Ignore<D> ignore -> {
                sagas.appendHistory(record.id(), "IGNORED", record.version(), record.status(), record.status(),
                        record.currentStep(), record.currentStep(), messageId, messageType, "[]", ignore.reason());
                metrics.ignored(record.type());
                log.info("saga {} ignored {} {}: {}", record.id(), messageType, messageId, ignore.reason());
            }
            case Decision.Transition<D> t -> {
                persist(definition, record, t, kind, messageId, messageType, t.next().failureReason());
                // A change of status (compensation starts, the saga ends) is worth a line at INFO; a step forward on
                // the happy path is in the saga's history already, and at hundreds of sagas a second the log would
                // cost more than the step.
                Level level = t.next().status() != record.status() ? Level.INFO : Level.DEBUG;
                log.atLevel(level).log("saga {} {}/{} -> {}/{} (attempt {}) on {}", record.id(), record.status(),
                        record.currentStep(), t.next().status(), t.next().currentStep(), t.next().attempt(),
                        messageType == null ? kind : messageType);
            }
        }
    }

    /**
     * Writes a transition: the version-guarded row update, its history row and its commands, and the metrics. The
     * one path for replies, deadlines, aborts and operator actions alike.
     */
    private <D> void persist(SagaDefinition<D> definition, SagaRecord record, Decision.Transition<D> t, String kind,
                             UUID messageId, String messageType, String reason) {
        SagaState<D> next = t.next();
        sagas.move(record.id(), record.version(), record.status(), record.currentStep(), next.status(),
                next.currentStep(), json.writeValueAsString(next.data()), next.awaitingMessageId(), next.attempt(),
                next.failureReason(), deadline(definition, next),
                new SagaRepository.HistoryNote(kind, messageId, messageType, commandsJson(t.commands()), reason));
        send(t.commands());
        if ("TIMEOUT".equals(kind)) {
            metrics.deadlinePassed(record.type(), record.currentStep());
        }
        boolean resent = next.status() == record.status() && next.currentStep() != null
                && next.currentStep().equals(record.currentStep());
        if (!resent) {
            metrics.moved(record.type(), record.currentStep(), record.status(), next.status(), record.updatedAt(),
                    record.createdAt());
        }
    }

    private <D> SagaState<D> stateOf(SagaDefinition<D> definition, SagaRecord record) {
        return new SagaState<>(SagaId.of(record.id()), record.type(), record.status(), record.currentStep(),
                record.version(), json.readValue(record.dataJson(), definition.dataType()),
                record.awaitingMessageId(), record.attempt(), record.failureReason());
    }

    private void send(List<Decision.Command> commands) {
        for (Decision.Command c : commands) {
            outbox.send(c.messageId(), c.payload());
        }
    }

    /** The step timeout, doubled for every re-send of the same command (bounded), or none once ended. */
    private Instant deadline(SagaDefinition<?> definition, SagaState<?> state) {
        if (state.status().isEnded()) {
            return null;
        }
        int factor = Math.min(1 << Math.min(state.attempt() - 1, 30), MAX_BACKOFF_FACTOR);
        Duration wait = definition.stepTimeout().multipliedBy(factor);
        return clock.instant().plus(wait);
    }

    private String commandsJson(List<Decision.Command> commands) {
        List<Map<String, Object>> view = commands.stream()
                .map(c -> Map.<String, Object>of("id", c.messageId().toString(), "type",
                        c.payload().getClass().getSimpleName()))
                .toList();
        return json.writeValueAsString(view);
    }

    private static String typeName(IncomingMessage<?> message) {
        return message.payload().getClass().getSimpleName();
    }
}
