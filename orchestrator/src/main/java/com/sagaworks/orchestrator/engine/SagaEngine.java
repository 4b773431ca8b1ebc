package com.sagaworks.orchestrator.engine;

import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.SagaMessage;
import com.sagaworks.messaging.consumer.IncomingMessage;
import com.sagaworks.messaging.consumer.PermanentMessageException;
import com.sagaworks.messaging.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Applies {@link SagaDecider}'s decisions to the database: one saga row update (version-guarded, under the row
 * lock), one history row and the outgoing commands in the outbox, all in the caller's transaction (the consumer's
 * batch transaction). It never talks to Kafka.
 */
public class SagaEngine {

    private static final Logger log = LoggerFactory.getLogger(SagaEngine.class);

    private final SagaDefinitions definitions;
    private final SagaRepository sagas;
    private final Outbox outbox;
    private final JsonMapper json;
    private final Clock clock;

    public SagaEngine(SagaDefinitions definitions, SagaRepository sagas, Outbox outbox, JsonMapper json, Clock clock) {
        this.definitions = definitions;
        this.sagas = sagas;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
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
        boolean inserted = sagas.insert(sagaId.value(), definition.type(), businessKey, s.status(), s.currentStep(),
                s.version(), json.writeValueAsString(s.data()), s.awaitingMessageId(), s.failureReason(),
                deadline(definition, s.status()));
        if (!inserted) {
            log.info("saga {} {} for {} already started; {} ignored", definition.type(), sagaId, businessKey,
                    event.messageId());
            return;
        }
        sagas.appendHistory(sagaId.value(), "STARTED", s.version(), null, s.status(), null, s.currentStep(),
                event.messageId(), typeName(event), commandsJson(first.commands()), null);
        send(first.commands());
        log.info("saga {} {} started for {}, waiting on {}", definition.type(), sagaId, businessKey, s.currentStep());
    }

    /** Feeds a participant's reply to its saga. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void onReply(IncomingMessage<? extends SagaMessage> reply) {
        SagaId sagaId = reply.payload().sagaId();
        SagaRecord record = sagas.lock(sagaId.value())
                .orElseThrow(() -> new PermanentMessageException("no saga " + sagaId + " for " + typeName(reply)));
        SagaDefinition<?> definition = definitions.byType(record.type())
                .orElseThrow(() -> new PermanentMessageException("saga " + sagaId + " has unknown type " + record.type()));
        apply(definition, record, reply);
    }

    private <D> void apply(SagaDefinition<D> definition, SagaRecord record, IncomingMessage<?> reply) {
        SagaState<D> state = new SagaState<>(SagaId.of(record.id()), record.type(), record.status(),
                record.currentStep(), record.version(), json.readValue(record.dataJson(), definition.dataType()),
                record.awaitingMessageId(), record.failureReason());
        Decision<D> decision = SagaDecider.decide(definition, state, reply.correlationId(), reply.payload());
        switch (decision) {
            case Decision.Ignore<D> ignore -> {
                sagas.appendHistory(record.id(), "IGNORED", record.version(), record.status(), record.status(),
                        record.currentStep(), record.currentStep(), reply.messageId(), typeName(reply), "[]",
                        ignore.reason());
                log.info("saga {} ignored {} {}: {}", record.id(), typeName(reply), reply.messageId(), ignore.reason());
            }
            case Decision.Transition<D> t -> {
                SagaState<D> next = t.next();
                sagas.update(record.id(), record.version(), next.status(), next.currentStep(),
                        json.writeValueAsString(next.data()), next.awaitingMessageId(), next.failureReason(),
                        deadline(definition, next.status()));
                sagas.appendHistory(record.id(), "TRANSITION", next.version(), record.status(), next.status(),
                        record.currentStep(), next.currentStep(), reply.messageId(), typeName(reply),
                        commandsJson(t.commands()), next.failureReason());
                send(t.commands());
                log.info("saga {} {}/{} -> {}/{} on {}", record.id(), record.status(), record.currentStep(),
                        next.status(), next.currentStep(), typeName(reply));
            }
        }
    }

    private void send(List<Decision.Command> commands) {
        for (Decision.Command c : commands) {
            outbox.send(c.messageId(), c.payload());
        }
    }

    private Instant deadline(SagaDefinition<?> definition, SagaStatus status) {
        return status.isEnded() ? null : clock.instant().plus(definition.stepTimeout());
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
