package com.sagaworks.messaging.inbox;

import com.sagaworks.messaging.outbox.OutboxMessage;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code messaging_inbox} table: the ids of the messages this service has handled, written in the same
 * transaction as the handler's effect, and for a command the replies it produced (written with the reply's
 * outbox row by {@link com.sagaworks.messaging.outbox.JdbcOutbox#enqueueReply}). Runs only inside the caller's
 * transaction, because an inbox row committed without its effect would make the consumer skip the message.
 */
public class Inbox {

    private static final String INSERT = """
            INSERT INTO messaging_inbox (message_id, message_type, topic)
            VALUES (:messageId, :messageType, :topic)
            ON CONFLICT (message_id) DO NOTHING
            """;

    /**
     * Several messages at once, inserted in id order: two transactions recording overlapping sets then wait for
     * each other instead of deadlocking.
     */
    private static final String INSERT_ALL = """
            INSERT INTO messaging_inbox (message_id, message_type, topic)
            SELECT message_id, message_type, topic
              FROM unnest(CAST(:messageIds AS uuid[]), CAST(:messageTypes AS text[]), CAST(:topics AS text[]))
                   AS message (message_id, message_type, topic)
             ORDER BY message_id
            ON CONFLICT (message_id) DO NOTHING
            RETURNING message_id
            """;

    private static final String SELECT_REPLIES = """
            SELECT replies::text
              FROM messaging_inbox
             WHERE message_id = :messageId
            """;

    /** Only a command handled in this transaction, with no reply stored, can start waiting for a deferred one. */
    private static final String DEFER_REPLY = """
            UPDATE messaging_inbox
               SET deferred_reply = 'PENDING'
             WHERE message_id = :messageId
               AND deferred_reply = 'NONE'
               AND replies = '[]'::jsonb
            """;

    /** Guarded by the status: of two completions racing, the second finds COMPLETED and changes nothing. */
    private static final String COMPLETE_DEFERRED_REPLY = """
            UPDATE messaging_inbox
               SET deferred_reply = 'COMPLETED',
                   completed_at = now(),
                   replies = CAST(:replies AS jsonb)
             WHERE message_id = :messageId
               AND deferred_reply = 'PENDING'
            """;

    private static final String SELECT_DEFERRED_REPLY = """
            SELECT deferred_reply
              FROM messaging_inbox
             WHERE message_id = :messageId
            """;

    private static final TypeReference<List<OutboxMessage>> REPLIES = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public Inbox(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Records that the message is being handled.
     *
     * @return {@code true} the first time; {@code false} when the id is already there (a duplicate), or is
     * being recorded by a concurrent transaction that then committed
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean record(UUID messageId, String messageType, String topic) {
        requireTransaction();
        return jdbc.sql(INSERT)
                .param("messageId", messageId)
                .param("messageType", messageType)
                .param("topic", topic)
                .update() == 1;
    }

    /** A message to record with {@link #recordAll}. */
    public record Entry(UUID messageId, String messageType, String topic) {
    }

    /**
     * Records several messages in one statement, as {@link #record} does one by one.
     *
     * @return the ids recorded now; an id not among them was already there (a duplicate). An id listed more than
     * once is recorded once, with its first entry.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Set<UUID> recordAll(Collection<Entry> entries) {
        requireTransaction();
        Map<UUID, Entry> distinct = new LinkedHashMap<>();
        entries.forEach(entry -> distinct.putIfAbsent(entry.messageId(), entry));
        if (distinct.isEmpty()) {
            return Set.of();
        }
        if (distinct.size() == 1) {
            // A batch of one, as at low load: the plain INSERT is the cheaper statement.
            Entry only = distinct.values().iterator().next();
            return record(only.messageId(), only.messageType(), only.topic()) ? Set.of(only.messageId()) : Set.of();
        }
        return Set.copyOf(jdbc.sql(INSERT_ALL)
                .param("messageIds", distinct.keySet().toArray(UUID[]::new))
                .param("messageTypes", distinct.values().stream().map(Entry::messageType).toArray(String[]::new))
                .param("topics", distinct.values().stream().map(Entry::topic).toArray(String[]::new))
                .query(UUID.class)
                .list());
    }

    /** The replies stored for a handled command; empty for an event or an unknown id. */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<OutboxMessage> replies(UUID messageId) {
        requireTransaction();
        return jdbc.sql(SELECT_REPLIES)
                .param("messageId", messageId)
                .query(String.class)
                .optional()
                .map(text -> json.readValue(text, REPLIES))
                .orElse(List.of());
    }

    /**
     * Marks a command recorded in this transaction as waiting for a deferred reply: until
     * {@link #completeDeferredReply} a duplicate finds no stored reply and re-sends nothing.
     *
     * @throws IllegalStateException if the row is missing, already has a reply, or already waits
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void deferReply(UUID messageId) {
        requireTransaction();
        int rows = jdbc.sql(DEFER_REPLY).param("messageId", messageId).update();
        if (rows != 1) {
            throw new IllegalStateException("inbox row of command " + messageId + " cannot start waiting for a "
                    + "deferred reply: missing, already answered, or already waiting");
        }
    }

    /**
     * Stores {@code reply} as the command's only reply and marks it {@link DeferredReplyStatus#COMPLETED}, if it was
     * {@link DeferredReplyStatus#PENDING}. Queuing the reply in the outbox is the caller's part.
     *
     * @return {@code true} when this call completed it; {@code false} when the row was not pending (see
     * {@link #deferredReplyStatus})
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean completeDeferredReply(UUID messageId, OutboxMessage reply) {
        requireTransaction();
        return jdbc.sql(COMPLETE_DEFERRED_REPLY)
                .param("messageId", messageId)
                .param("replies", json.writeValueAsString(List.of(reply)))
                .update() == 1;
    }

    /** The deferred-reply status of a handled message; empty for an id the inbox does not hold. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<DeferredReplyStatus> deferredReplyStatus(UUID messageId) {
        requireTransaction();
        return jdbc.sql(SELECT_DEFERRED_REPLY)
                .param("messageId", messageId)
                .query(String.class)
                .optional()
                .map(DeferredReplyStatus::valueOf);
    }

    /** Keeps the guarantee when the instance is not proxied (created by hand, or self-invoked). */
    private static void requireTransaction() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalTransactionStateException(
                    "the inbox joins the caller's transaction and refuses to run without one");
        }
    }
}
