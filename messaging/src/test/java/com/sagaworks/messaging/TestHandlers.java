package com.sagaworks.messaging;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.messaging.consumer.BatchConsumer;
import com.sagaworks.messaging.consumer.DeadLetter;
import com.sagaworks.messaging.consumer.DeferredReply;
import com.sagaworks.messaging.consumer.IncomingMessage;
import com.sagaworks.messaging.consumer.PermanentMessageException;
import org.slf4j.MDC;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Handlers of the test application. By default a ReserveStock writes one effect row and is answered with
 * StockReserved; a test can give a saga another {@link Behaviour} first. Dead letters of inventory.commands are
 * recorded in {@code dead_letter_effect}. Every call is counted per saga.
 */
@Component
public class TestHandlers {

    static final long UNIT_PRICE_CENTS = 250;

    /** What the ReserveStock handler does for a saga. */
    public sealed interface Behaviour {
    }

    /** Writes the effect row, then refuses the command permanently. */
    public record FailPermanently(String reason) implements Behaviour {
    }

    /** Writes the effect row, then fails with an unexpected (non-transient) exception. */
    public record FailUnexpectedly() implements Behaviour {
    }

    /** Writes the effect row, then violates a NOT NULL constraint. */
    public record ViolateConstraint() implements Behaviour {
    }

    /** Writes the effect row, then raises SQLSTATE 40001 on the first {@code times} calls. */
    public record FailTransiently(int times) implements Behaviour {
    }

    /**
     * Writes the effect row, deletes the command's own inbox row and answers: storing the reply then fails, at the
     * end of the batch when the outbox rows are written together.
     */
    public record ForgetInboxRow() implements Behaviour {
    }

    /** Writes the effect row and answers later: returns {@link DeferredReply#LATER}. */
    public record Defer() implements Behaviour {
    }

    private static final String INSERT_RESERVATION = """
            INSERT INTO reservation_effect (saga_id, command_id) VALUES (:sagaId, :commandId)
            """;

    private static final String INSERT_EVENT = """
            INSERT INTO event_effect (saga_id, message_id, correlation_id)
            VALUES (:sagaId, :messageId, :correlationId)
            """;

    private static final String INSERT_DEAD_LETTER = """
            INSERT INTO dead_letter_effect (dead_letter_id, source_topic, origin, record_key, saga_id, message_id,
                                            message_type, reason, original_value)
            VALUES (:deadLetterId, :sourceTopic, :origin, :key, :sagaId, :messageId, :messageType, :reason,
                    :originalValue)
            """;

    private static final String RAISE_SERIALIZATION_FAILURE = """
            DO $$ BEGIN RAISE EXCEPTION 'simulated serialization failure' USING ERRCODE = '40001'; END $$
            """;

    private final JdbcClient jdbc;
    private final Map<SagaId, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<SagaId, AtomicInteger> commandCalls = new ConcurrentHashMap<>();
    private final Map<SagaId, AtomicInteger> eventCalls = new ConcurrentHashMap<>();
    private final Map<SagaId, String> mdcMessageIds = new ConcurrentHashMap<>();
    private final Set<SagaId> refusedDeadLetters = ConcurrentHashMap.newKeySet();
    private final Map<SagaId, AtomicInteger> deadLetterCalls = new ConcurrentHashMap<>();
    private final List<List<String>> preparedBatches = new CopyOnWriteArrayList<>();
    private final Set<String> failedPreparations = ConcurrentHashMap.newKeySet();

    TestHandlers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void behave(SagaId saga, Behaviour behaviour) {
        behaviours.put(saga, behaviour);
    }

    /** The dead-letter handler writes its row, then fails, for dead letters of this saga. */
    public void refuseDeadLettersOf(SagaId saga) {
        refusedDeadLetters.add(saga);
    }

    /** Dead-letter handler invocations for the saga, failed and rolled back attempts included. */
    public int deadLetterCalls(SagaId saga) {
        return count(deadLetterCalls, saga);
    }

    /** ReserveStock handler invocations for the saga, failed and rolled back attempts included. */
    public int commandCalls(SagaId saga) {
        return count(commandCalls, saga);
    }

    /** StockReserved handler invocations for the saga, rolled back attempts included. */
    public int eventCalls(SagaId saga) {
        return count(eventCalls, saga);
    }

    private static int count(Map<SagaId, AtomicInteger> counts, SagaId saga) {
        AtomicInteger count = counts.get(saga);
        return count == null ? 0 : count.get();
    }

    /** The message ids of each batch the batch preparer was given, in order, failed attempts included. */
    public List<List<String>> preparedBatches() {
        return List.copyOf(preparedBatches);
    }

    /** The batch preparer fails (a bug, not transient) for batches holding a message of this saga. */
    public void failPreparationFor(SagaId saga) {
        failedPreparations.add(saga.toString());
    }

    void prepare(List<Map<String, String>> headers) {
        preparedBatches.add(headers.stream().map(h -> h.get(MessageHeaders.MESSAGE_ID)).toList());
        if (headers.stream().anyMatch(h -> failedPreparations.contains(h.get(MessageHeaders.SAGA_ID)))) {
            throw new IllegalStateException("simulated bug in the batch preparer");
        }
    }

    /** The MDC message id seen by the handler during its last call for the saga. */
    public String mdcMessageId(SagaId saga) {
        return mdcMessageIds.get(saga);
    }

    Object reserve(IncomingMessage<ReserveStock> command) {
        ReserveStock reserve = command.payload();
        int call = commandCalls.computeIfAbsent(reserve.sagaId(), s -> new AtomicInteger()).incrementAndGet();
        mdcMessageIds.put(reserve.sagaId(), String.valueOf(MDC.get(BatchConsumer.MDC_MESSAGE_ID)));
        jdbc.sql(INSERT_RESERVATION)
                .param("sagaId", reserve.sagaId().value())
                .param("commandId", command.messageId())
                .update();
        switch (behaviours.get(reserve.sagaId())) {
            case null -> {
            }
            case FailPermanently(String reason) -> throw new PermanentMessageException(reason);
            case FailUnexpectedly() -> throw new IllegalStateException("simulated bug after the first insert");
            case ViolateConstraint() -> jdbc.sql(INSERT_RESERVATION)
                    .param("sagaId", null)
                    .param("commandId", command.messageId())
                    .update();
            case FailTransiently(int times) -> {
                if (call <= times) {
                    jdbc.sql(RAISE_SERIALIZATION_FAILURE).update();
                }
            }
            case ForgetInboxRow() -> jdbc.sql("DELETE FROM messaging_inbox WHERE message_id = :id")
                    .param("id", command.messageId())
                    .update();
            case Defer() -> {
                return DeferredReply.LATER;
            }
        }
        return reserved(reserve);
    }

    /** The reply the handler gives at once, and a test completing a deferred one gives later. */
    public static StockReserved reserved(ReserveStock reserve) {
        List<PricedLine> lines = reserve.lines().stream()
                .map(line -> new PricedLine(line.sku(), line.quantity(), UNIT_PRICE_CENTS))
                .toList();
        return new StockReserved(reserve.sagaId(), lines, lines.stream().mapToLong(PricedLine::lineTotalCents).sum());
    }

    void deadLetter(DeadLetter letter) {
        SagaId saga = letter.sagaId().orElse(null);
        if (saga != null) {
            deadLetterCalls.computeIfAbsent(saga, s -> new AtomicInteger()).incrementAndGet();
        }
        jdbc.sql(INSERT_DEAD_LETTER)
                .param("deadLetterId", letter.id())
                .param("sourceTopic", letter.sourceTopic())
                .param("origin", letter.origin())
                .param("key", letter.key())
                .param("sagaId", saga == null ? null : saga.value())
                .param("messageId", letter.messageId().orElse(null))
                .param("messageType", letter.messageType().orElse(null))
                .param("reason", letter.reason())
                .param("originalValue", letter.originalValue())
                .update();
        if (saga != null && refusedDeadLetters.contains(saga)) {
            throw new IllegalStateException("simulated bug in the dead-letter handler");
        }
    }

    void stockReserved(IncomingMessage<StockReserved> event) {
        eventCalls.computeIfAbsent(event.payload().sagaId(), s -> new AtomicInteger()).incrementAndGet();
        jdbc.sql(INSERT_EVENT)
                .param("sagaId", event.payload().sagaId().value())
                .param("messageId", event.messageId())
                .param("correlationId", event.correlationId())
                .update();
    }
}
