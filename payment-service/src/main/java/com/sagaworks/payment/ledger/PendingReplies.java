package com.sagaworks.payment.ledger;

import com.sagaworks.messaging.consumer.DeferredReplies;
import com.sagaworks.payment.provider.ConditionalOnHttpProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.UUID;

/**
 * The {@code pending_reply} table: commands whose handler returned {@code DeferredReply.LATER}, by the saga's
 * charge or refund they are about, and their answering through {@link DeferredReplies}.
 */
@Repository
@ConditionalOnHttpProvider
class PendingReplies {

    private static final Logger log = LoggerFactory.getLogger(PendingReplies.class);

    private static final String ADD = """
            INSERT INTO pending_reply (command_id, saga_id, kind)
            VALUES (:commandId, :sagaId, :kind)
            """;

    private static final String ANY = """
            SELECT EXISTS (SELECT 1 FROM pending_reply WHERE saga_id = :sagaId AND kind = :kind)
            """;

    private static final String TAKE = """
            WITH taken AS (
                DELETE FROM pending_reply
                WHERE saga_id = :sagaId AND kind = :kind
                RETURNING command_id, received_at
            )
            SELECT command_id FROM taken ORDER BY received_at
            """;

    private final JdbcClient jdbc;
    private final DeferredReplies deferredReplies;

    PendingReplies(JdbcClient jdbc, DeferredReplies deferredReplies) {
        this.jdbc = jdbc;
        this.deferredReplies = deferredReplies;
    }

    /**
     * Records that the command being handled waits for the reply about the saga's {@code kind}. A redelivery of
     * the command never gets here (the inbox stops it), so a command id is added once.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void await(UUID commandId, UUID sagaId, LedgerEntryKind kind) {
        jdbc.sql(ADD).param("commandId", commandId).param("sagaId", sagaId).param("kind", kind.name()).update();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    boolean anyAwaiting(UUID sagaId, LedgerEntryKind kind) {
        return jdbc.sql(ANY).param("sagaId", sagaId).param("kind", kind.name()).query(Boolean.class).single();
    }

    /** Sends {@code reply} to every command waiting for it, in this transaction; returns how many there were. */
    @Transactional(propagation = Propagation.MANDATORY)
    int answer(UUID sagaId, LedgerEntryKind kind, Object reply) {
        List<UUID> commands = jdbc.sql(TAKE)
                .param("sagaId", sagaId)
                .param("kind", kind.name())
                .query((rs, row) -> rs.getObject("command_id", UUID.class))
                .list();
        for (UUID command : commands) {
            if (!deferredReplies.complete(command, reply)) {
                // Its row here and its pending inbox row are written and answered under the saga's lock, so a
                // second completion means the two tables disagree: worth a look, not worth failing the money.
                log.warn("command {} of saga {} had its reply already; {} not sent again", command, sagaId,
                        reply.getClass().getSimpleName());
            }
        }
        return commands.size();
    }
}
