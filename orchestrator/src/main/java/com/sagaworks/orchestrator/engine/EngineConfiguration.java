package com.sagaworks.orchestrator.engine;

import com.sagaworks.contracts.MessageCatalog;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.SagaMessage;
import com.sagaworks.messaging.consumer.MessageHandlers;
import io.micrometer.core.instrument.MeterRegistry;
import com.sagaworks.messaging.outbox.Outbox;
import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.orchestrator.OrchestratorProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Wires the engine to the saga definitions it finds and subscribes to exactly what they need: their start
 * events and the replies their steps read. Other message types on those topics are acknowledged and skipped.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class EngineConfiguration {

    @Bean
    SagaDefinitions sagaDefinitions(List<SagaDefinition<?>> definitions) {
        return new SagaDefinitions(definitions);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    SagaEngine sagaEngine(SagaDefinitions definitions, SagaRepository sagas, Outbox outbox, JsonMapper json,
                          Clock clock, OrchestratorProperties properties, MeterRegistry meterRegistry) {
        return new SagaEngine(definitions, sagas, outbox, json, clock, properties.attempts(),
                new SagaMetrics(meterRegistry, clock));
    }

    @Bean
    @ConditionalOnProperty(name = "sagaworks.orchestrator.sweeper.enabled", matchIfMissing = true)
    DeadlineSweeper deadlineSweeper(SagaRepository sagas, SagaEngine engine, TransactionRunner transactions,
                                    Clock clock, OrchestratorProperties properties) {
        return new DeadlineSweeper(sagas, engine, transactions, clock, properties.sweepBatchSize());
    }

    @Bean
    MessageHandlers sagaMessageHandlers(SagaDefinitions definitions, SagaEngine engine, SagaRepository sagas) {
        MessageHandlers.Builder builder = MessageHandlers.builder();
        // The sagas of a batch's replies are read and locked by one statement instead of one per reply.
        builder.beforeEachBatch(headers -> sagas.lockAll(sagaIdsOf(headers)));
        Set<Class<?>> handled = new LinkedHashSet<>();
        for (Class<?> trigger : definitions.triggerTypes()) {
            builder.on(trigger, engine::start);
            handled.add(trigger);
        }
        for (Class<?> abort : definitions.abortTypes()) {
            builder.on(abort, engine::abort);
            handled.add(abort);
        }
        for (Class<?> reply : definitions.replyTypes()) {
            registerReply(builder, reply, engine);
            handled.add(reply);
        }
        Set<String> topics = new LinkedHashSet<>();
        handled.forEach(t -> topics.add(MessageCatalog.byClass(t).topic()));
        MessageCatalog.entries().stream()
                .filter(e -> topics.contains(e.topic()) && !handled.contains(e.type()))
                .forEach(e -> builder.ignore(e.type()));
        // every topic that carries saga messages: a poison command or reply anywhere shows on its saga's timeline
        String[] sagaTopics = MessageCatalog.entries().stream()
                .filter(e -> SagaMessage.class.isAssignableFrom(e.type()))
                .map(MessageCatalog.Entry::topic)
                .distinct()
                .toArray(String[]::new);
        builder.onDeadLetter(engine::onDeadLetter, sagaTopics);
        return builder.build();
    }

    /** The {@code saga-id} headers that are UUIDs; a bad one is left to its handler to report. */
    static Set<UUID> sagaIdsOf(List<Map<String, String>> headers) {
        Set<UUID> ids = new LinkedHashSet<>();
        for (Map<String, String> h : headers) {
            String id = h.get(MessageHeaders.SAGA_ID);
            if (id != null) {
                try {
                    ids.add(UUID.fromString(id));
                } catch (IllegalArgumentException e) {
                    // not a saga of ours: the handler finds no saga and says so
                }
            }
        }
        return ids;
    }

    @SuppressWarnings("unchecked")
    private static void registerReply(MessageHandlers.Builder builder, Class<?> reply, SagaEngine engine) {
        if (!SagaMessage.class.isAssignableFrom(reply)) {
            throw new IllegalStateException(reply.getName() + " is read as a saga reply but carries no saga id");
        }
        builder.on((Class<SagaMessage>) reply, engine::onReply);
    }
}
