package com.sagaworks.messaging.inbox;

import com.sagaworks.messaging.outbox.OutboxMessage;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.UUID;

/**
 * The {@code messaging_inbox} table: the ids of the messages this service has handled, written in the same
 * transaction as the handler's effect, and for a command the replies it produced. Runs only inside the caller's
 * transaction, because an inbox row committed without its effect would make the consumer skip the message.
 */
public class Inbox {

    private static final String INSERT = """
            INSERT INTO messaging_inbox (message_id, message_type, topic)
            VALUES (:messageId, :messageType, :topic)
            ON CONFLICT (message_id) DO NOTHING
            """;

    private static final String SELECT_REPLIES = """
            SELECT replies::text
              FROM messaging_inbox
             WHERE message_id = :messageId
            """;

    private static final String UPDATE_REPLIES = """
            UPDATE messaging_inbox
               SET replies = CAST(:replies AS jsonb)
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

    /** Keeps the replies of a command handled in this transaction, for replay on a duplicate. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void storeReplies(UUID messageId, List<OutboxMessage> replies) {
        requireTransaction();
        int rows = jdbc.sql(UPDATE_REPLIES)
                .param("messageId", messageId)
                .param("replies", json.writeValueAsString(replies))
                .update();
        if (rows != 1) {
            throw new IllegalStateException("no inbox row for message " + messageId + " to store its replies in");
        }
    }

    /** Keeps the guarantee when the instance is not proxied (created by hand, or self-invoked). */
    private static void requireTransaction() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalTransactionStateException(
                    "the inbox joins the caller's transaction and refuses to run without one");
        }
    }
}
