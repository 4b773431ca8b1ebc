package com.sagaworks.messaging.outbox;

import com.sagaworks.contracts.MessageCatalog;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.SagaMessage;
import com.sagaworks.contracts.order.OrderEvent;
import com.sagaworks.messaging.support.TransactionBinding;
import com.sagaworks.messaging.tracing.MessageTracing;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@link Outbox} on the {@code messaging_outbox} table. Also writes prepared rows ({@link #enqueue}) for the
 * consumer: replies replayed from the inbox and dead letters, whose payload is not a catalogued record.
 *
 * <p>A row is inserted when it is queued, unless the caller runs inside {@link #writeTogether}: the rows queued
 * there, and the replies to store in the inbox, are held back and written at its end by one statement, in the
 * order they were queued. The batch consumer does that for a batch, so that a batch of n records that answer
 * writes its outbox rows with one round trip (and one notification trigger) instead of n.
 */
public class JdbcOutbox implements Outbox {

    private static final String INSERT = """
            INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
            VALUES (:id, :topic, :aggregateType, :aggregateId, :type, CAST(:payload AS jsonb), CAST(:headers AS jsonb))
            ON CONFLICT (id) DO NOTHING
            """;

    /**
     * A command's reply, queued and kept in the command's inbox row (for replay on a duplicate) by one statement:
     * one round trip instead of two for every command a service answers.
     */
    private static final String INSERT_REPLY = "WITH queued AS (\n" + INSERT + ")\n" + """
            UPDATE messaging_inbox
               SET replies = CAST(:replies AS jsonb)
             WHERE message_id = :commandId
            """;

    /**
     * Several rows in one statement, inserted in the order they were queued: {@code seq}, the relay's publication
     * order, is then the order of {@link #enqueue} calls, as when each was inserted at once.
     */
    private static final String INSERT_ALL = """
            INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
            SELECT id, topic, aggregate_type, aggregate_id, type, CAST(payload AS jsonb), CAST(headers AS jsonb)
              FROM unnest(CAST(:ids AS uuid[]), CAST(:topics AS text[]), CAST(:aggregateTypes AS text[]),
                          CAST(:aggregateIds AS text[]), CAST(:types AS text[]), CAST(:payloads AS text[]),
                          CAST(:headers AS text[])) WITH ORDINALITY
                   AS m (id, topic, aggregate_type, aggregate_id, type, payload, headers, position)
             ORDER BY position
            ON CONFLICT (id) DO NOTHING
            """;

    /** {@link #INSERT_ALL} and the replies to keep in their commands' inbox rows, in one statement. */
    private static final String INSERT_ALL_AND_STORE_REPLIES = "WITH queued AS (\n" + INSERT_ALL + ")\n" + """
            UPDATE messaging_inbox AS inbox
               SET replies = CAST(stored.replies AS jsonb)
              FROM unnest(CAST(:commandIds AS uuid[]), CAST(:replies AS text[])) AS stored (message_id, replies)
             WHERE inbox.message_id = stored.message_id
            RETURNING inbox.message_id
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final MessageTracing tracing;

    public JdbcOutbox(JdbcClient jdbc, JsonMapper json) {
        this(jdbc, json, MessageTracing.none());
    }

    /** @param tracing supplies the trace context headers of the span current when a message is written */
    public JdbcOutbox(JdbcClient jdbc, JsonMapper json, MessageTracing tracing) {
        this.jdbc = jdbc;
        this.json = json;
        this.tracing = tracing;
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID send(Object message) {
        return send(UUID.randomUUID(), message, Map.of());
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID send(UUID messageId, Object message) {
        return send(messageId, message, Map.of());
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID send(UUID messageId, Object message, Map<String, String> headers) {
        enqueue(toOutboxMessage(messageId, message, headers));
        return messageId;
    }

    /** Queues a prepared row unless a row with its id is still waiting (or is queued before it in the same batch). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void enqueue(OutboxMessage message) {
        requireTransaction();
        Pending pending = pending();
        if (pending != null) {
            pending.rows.add(message);
            return;
        }
        withRow(jdbc.sql(INSERT), message).update();
    }

    /**
     * Queues {@code reply}, the answer to command {@code commandId} handled in this transaction, and stores it as
     * the command's reply in its inbox row, where a duplicate of the command finds it (see
     * {@link com.sagaworks.messaging.inbox.Inbox#replies}).
     *
     * @throws IllegalStateException if the command has no inbox row (the caller's transaction must then roll back)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void enqueueReply(UUID commandId, OutboxMessage reply) {
        requireTransaction();
        Pending pending = pending();
        if (pending != null) {
            pending.rows.add(reply);
            pending.replies.put(commandId, reply);
            return;
        }
        storeAtOnce(commandId, reply);
    }

    private void storeAtOnce(UUID commandId, OutboxMessage reply) {
        int rows = withRow(jdbc.sql(INSERT_REPLY), reply)
                .param("replies", json.writeValueAsString(List.of(reply)))
                .param("commandId", commandId)
                .update();
        if (rows != 1) {
            throw new IllegalStateException("no inbox row for command " + commandId + " to store its reply in");
        }
    }

    /**
     * Runs {@code work} in the caller's transaction with the rows it queues ({@link #send}, {@link #enqueue},
     * {@link #enqueueReply}) held back, and writes them at its end: the rows in one statement in the order they were
     * queued, and the replies stored in their commands' inbox rows by the same statement. A failure of that write
     * is thrown from here, and the caller's transaction must then roll back, as for a failure of {@code work}. If
     * {@code work} throws, nothing it queued is written.
     *
     * <p>While a transaction started inside {@code work} ({@code REQUIRES_NEW}) runs, its rows are written at once,
     * in it, as without this method. Rows are held back in memory, so {@code work} must not roll back to a savepoint
     * of its own after queuing (the rows queued after the savepoint would still be written), nor read the outbox for
     * its own rows; a duplicate of a command answered earlier in the same {@code work} finds no stored reply yet
     * and re-queues nothing, which is what re-queuing the same rows would have come to. Called inside itself, the
     * inner call joins the outer one.
     *
     * @throws IllegalStateException when a command whose reply was queued has no inbox row (the caller's
     *                               transaction must then roll back)
     */
    public void writeTogether(Runnable work) {
        requireTransaction();
        if (pending() != null) {
            work.run();
            return;
        }
        Pending pending = new Pending();
        try (TransactionBinding<Pending> ignored = TransactionBinding.bind(this, pending)) {
            work.run();
        }
        write(pending);
    }

    private Pending pending() {
        return TransactionBinding.current(this);
    }

    private void write(Pending pending) {
        List<OutboxMessage> rows = pending.rows;
        if (rows.isEmpty()) {
            return;
        }
        if (rows.size() == 1) {
            // A batch of one, as at low load: the single-row statements are the cheaper ones.
            OutboxMessage only = rows.getFirst();
            if (pending.replies.isEmpty()) {
                withRow(jdbc.sql(INSERT), only).update();
            } else {
                Map.Entry<UUID, OutboxMessage> reply = pending.replies.entrySet().iterator().next();
                storeAtOnce(reply.getKey(), reply.getValue());
            }
            return;
        }
        JdbcClient.StatementSpec statement = jdbc
                .sql(pending.replies.isEmpty() ? INSERT_ALL : INSERT_ALL_AND_STORE_REPLIES)
                .param("ids", rows.stream().map(OutboxMessage::id).toArray(UUID[]::new))
                .param("topics", rows.stream().map(OutboxMessage::topic).toArray(String[]::new))
                .param("aggregateTypes", rows.stream().map(OutboxMessage::aggregateType).toArray(String[]::new))
                .param("aggregateIds", rows.stream().map(OutboxMessage::aggregateId).toArray(String[]::new))
                .param("types", rows.stream().map(OutboxMessage::type).toArray(String[]::new))
                .param("payloads", rows.stream().map(OutboxMessage::payload).toArray(String[]::new))
                .param("headers", rows.stream().map(r -> json.writeValueAsString(r.headers())).toArray(String[]::new));
        if (pending.replies.isEmpty()) {
            statement.update();
            return;
        }
        Set<UUID> stored = Set.copyOf(statement
                .param("commandIds", pending.replies.keySet().toArray(UUID[]::new))
                .param("replies", pending.replies.values().stream()
                        .map(reply -> json.writeValueAsString(List.of(reply))).toArray(String[]::new))
                .query(UUID.class)
                .list());
        if (stored.size() != pending.replies.size()) {
            Set<UUID> missing = new LinkedHashSet<>(pending.replies.keySet());
            missing.removeAll(stored);
            throw new IllegalStateException("no inbox row for command " + missing.stream().map(UUID::toString)
                    .collect(Collectors.joining(", ")) + " to store its reply in");
        }
    }

    /** What {@link #writeTogether} holds back: rows in the order queued, and replies by command id. */
    private static final class Pending {
        final List<OutboxMessage> rows = new ArrayList<>();
        final Map<UUID, OutboxMessage> replies = new LinkedHashMap<>();
    }

    /** Binds the outbox row's columns, as {@link #INSERT} names them. */
    private JdbcClient.StatementSpec withRow(JdbcClient.StatementSpec statement, OutboxMessage row) {
        return statement
                .param("id", row.id())
                .param("topic", row.topic())
                .param("aggregateType", row.aggregateType())
                .param("aggregateId", row.aggregateId())
                .param("type", row.type())
                .param("payload", row.payload())
                .param("headers", json.writeValueAsString(row.headers()));
    }

    /**
     * The row {@link #send(UUID, Object, Map)} writes for {@code message}: topic, key and type name from the
     * {@link MessageCatalog}, the payload as JSON, and the headers {@code message-id}, {@code message-type},
     * {@code saga-id} (for a {@link SagaMessage}) plus {@code extraHeaders}, plus the trace context
     * ({@code traceparent}, {@code tracestate}) of the current span unless {@code extraHeaders} name one.
     *
     * @throws IllegalArgumentException if the message is not catalogued or an extra header contradicts a
     *                                  derived one
     */
    public OutboxMessage toOutboxMessage(UUID messageId, Object message, Map<String, String> extraHeaders) {
        MessageCatalog.Entry entry = MessageCatalog.of(message);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(MessageHeaders.MESSAGE_ID, messageId.toString());
        headers.put(MessageHeaders.MESSAGE_TYPE, entry.typeName());
        if (message instanceof SagaMessage saga) {
            headers.put(MessageHeaders.SAGA_ID, saga.sagaId().toString());
        }
        extraHeaders.forEach((name, value) -> {
            String derived = headers.putIfAbsent(name, value);
            if (derived != null && !derived.equals(value)) {
                throw new IllegalArgumentException(
                        "header " + name + " is derived from the message as " + derived + ", not " + value);
            }
        });
        // Stored with the row because the relay publishes after this transaction, when the span is long gone.
        tracing.currentContext().forEach(headers::putIfAbsent);
        return new OutboxMessage(messageId, entry.topic(), aggregateTypeOf(message), entry.keyOf(message),
                entry.typeName(), json.writeValueAsString(message), headers);
    }

    private static String aggregateTypeOf(Object message) {
        return switch (message) {
            case SagaMessage ignored -> "saga";
            case OrderEvent ignored -> "order";
            default -> throw new IllegalArgumentException("no aggregate for " + message.getClass().getName());
        };
    }

    /**
     * The annotation already refuses when the bean is proxied; this check keeps the guarantee for an instance
     * that is not (created by hand, or called from inside the class), because a row written outside a
     * transaction could announce a change that then rolls back.
     */
    private static void requireTransaction() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalTransactionStateException(
                    "the outbox joins the caller's transaction and refuses to run without one");
        }
    }
}
