package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.messaging.inbox.DeferredReplyStatus;
import com.sagaworks.messaging.inbox.Inbox;
import com.sagaworks.messaging.outbox.JdbcOutbox;
import com.sagaworks.messaging.outbox.OutboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * {@link DeferredReplies} on the inbox and the outbox: one guarded update moves the command's inbox row from
 * {@link DeferredReplyStatus#PENDING} to {@link DeferredReplyStatus#COMPLETED} with the reply stored in it, and
 * only if that update changed the row is the reply queued. Two completions racing (a recovery job and the normal
 * path, say) therefore send one reply: the second waits for the first's row lock, then finds it completed.
 */
public class JdbcDeferredReplies implements DeferredReplies {

    private static final Logger log = LoggerFactory.getLogger(JdbcDeferredReplies.class);

    private final Inbox inbox;
    private final JdbcOutbox outbox;

    public JdbcDeferredReplies(Inbox inbox, JdbcOutbox outbox) {
        this.inbox = inbox;
        this.outbox = outbox;
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean complete(UUID commandId, Object reply) {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(reply, "reply");
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            // Also when not proxied: a reply queued outside a transaction could announce a change that rolls back.
            throw new IllegalTransactionStateException(
                    "a deferred reply joins the caller's transaction and refuses to run without one");
        }
        OutboxMessage row = outbox.toOutboxMessage(UUID.randomUUID(), reply,
                Map.of(MessageHeaders.CORRELATION_ID, commandId.toString()));
        if (inbox.completeDeferredReply(commandId, row)) {
            outbox.enqueue(row);
            log.debug("completed the deferred reply of command {} with {} {}", commandId, row.type(), row.id());
            return true;
        }
        DeferredReplyStatus status = inbox.deferredReplyStatus(commandId).orElseThrow(() ->
                new IllegalStateException("command " + commandId + " was never received, or its inbox row is gone"));
        return switch (status) {
            case COMPLETED -> {
                log.debug("deferred reply of command {} was completed before; nothing sent", commandId);
                yield false;
            }
            case NONE -> throw new IllegalStateException("message " + commandId + " is not waiting for a deferred "
                    + "reply: its handler answered at once, or it is not a command");
            // The command's own transaction committed between our update and this read: run the whole
            // transaction again (a transient error for TransactionRunner), the update will then find it.
            case PENDING -> throw new ConcurrencyFailureException(
                    "command " + commandId + " became pending while its deferred reply was being completed");
        };
    }
}
