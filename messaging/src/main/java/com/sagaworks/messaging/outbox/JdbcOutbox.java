package com.sagaworks.messaging.outbox;

import com.sagaworks.contracts.MessageCatalog;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.SagaMessage;
import com.sagaworks.contracts.order.OrderEvent;
import com.sagaworks.messaging.tracing.MessageTracing;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@link Outbox} on the {@code messaging_outbox} table. Also writes prepared rows ({@link #enqueue}) for the
 * consumer: replies replayed from the inbox and dead letters, whose payload is not a catalogued record.
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

    /**
     * Queues a prepared row unless a row with its id is still waiting.
     *
     * @return whether a row was added
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean enqueue(OutboxMessage message) {
        requireTransaction();
        int rows = withRow(jdbc.sql(INSERT), message)
                .update();
        return rows == 1;
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
        int rows = withRow(jdbc.sql(INSERT_REPLY), reply)
                .param("replies", json.writeValueAsString(List.of(reply)))
                .param("commandId", commandId)
                .update();
        if (rows != 1) {
            throw new IllegalStateException("no inbox row for command " + commandId + " to store its reply in");
        }
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
