package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageCatalog;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.messaging.inbox.Inbox;
import com.sagaworks.messaging.outbox.JdbcOutbox;
import com.sagaworks.messaging.outbox.OutboxMessage;
import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.messaging.retry.TransientErrors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The listener of the service's batch consumer. A batch is one transaction, run through the
 * {@link TransactionRunner} (a transient database error rolls the whole batch back and runs it again); each
 * record runs under its own savepoint:
 * <ol>
 *     <li>insert its {@code message-id} into the inbox; if it is already there, re-queue a command's stored
 *     replies (same ids) and stop;</li>
 *     <li>decode the value into the registered record and call the handler;</li>
 *     <li>for a command, queue the reply in the outbox, correlated with the command, and keep a copy in the
 *     inbox row.</li>
 * </ol>
 * A record that fails permanently is rolled back to its savepoint and replaced by a dead-letter outbox row; the
 * batch goes on. When the transaction keeps failing the listener throws, the container redelivers the batch,
 * and no offset is committed before the effect.
 */
public class BatchConsumer implements BatchMessageListener<String, String> {

    /** MDC key of the message id while a record is handled. */
    public static final String MDC_MESSAGE_ID = "messageId";
    /** MDC key of the message type while a record is handled. */
    public static final String MDC_MESSAGE_TYPE = "messageType";
    /** MDC key of the saga id while a record is handled. */
    public static final String MDC_SAGA_ID = "sagaId";

    private static final Logger log = LoggerFactory.getLogger(BatchConsumer.class);

    private final MessageHandlers handlers;
    private final Inbox inbox;
    private final JdbcOutbox outbox;
    private final JsonMapper json;
    private final TransactionRunner transactionRunner;
    /** Joins the runner's transaction; it is there to hand out the status that makes savepoints. */
    private final TransactionTemplate batchTransaction;
    private final DeadLetters deadLetters;

    public BatchConsumer(MessageHandlers handlers, Inbox inbox, JdbcOutbox outbox, JsonMapper json,
                         TransactionRunner transactionRunner, PlatformTransactionManager transactionManager) {
        this.handlers = handlers;
        this.inbox = inbox;
        this.outbox = outbox;
        this.json = json;
        this.transactionRunner = transactionRunner;
        this.batchTransaction = new TransactionTemplate(transactionManager);
        this.batchTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_MANDATORY);
        this.deadLetters = new DeadLetters(json);
    }

    @Override
    public void onMessage(List<ConsumerRecord<String, String>> records) {
        if (records.isEmpty()) {
            return;
        }
        String operation = "consume " + records.size() + " records from "
                + records.stream().map(ConsumerRecord::topic).distinct().collect(Collectors.joining(","));
        try {
            transactionRunner.inTransaction(operation, () -> batchTransaction.executeWithoutResult(status -> {
                for (ConsumerRecord<String, String> record : records) {
                    handleUnderSavepoint(record, status);
                }
            }));
        } catch (RuntimeException | Error e) {
            // Rethrown so the container redelivers the batch; logged here so it is visible whatever the
            // container's log level.
            log.error("{} failed and was rolled back (SQLSTATE {}); the batch from {} is redelivered", operation,
                    TransientErrors.sqlState(e), DeadLetters.originOf(records.getFirst()), e);
            throw e;
        }
    }

    private void handleUnderSavepoint(ConsumerRecord<String, String> record, TransactionStatus status) {
        Map<String, String> headers = headersOf(record);
        String messageId = headers.get(MessageHeaders.MESSAGE_ID);
        String messageType = headers.get(MessageHeaders.MESSAGE_TYPE);
        String sagaId = headers.get(MessageHeaders.SAGA_ID);
        putMdc(MDC_MESSAGE_ID, messageId);
        putMdc(MDC_MESSAGE_TYPE, messageType);
        putMdc(MDC_SAGA_ID, sagaId);
        try {
            Object savepoint = status.createSavepoint();
            try {
                handle(record, headers);
                status.releaseSavepoint(savepoint);
            } catch (RuntimeException e) {
                // A handler's own PermanentMessageException is its verdict, whatever its cause. Anything else
                // transient is not this record's fault: the whole batch is rolled back and run again.
                if (!(e instanceof PermanentMessageException) && TransientErrors.isTransient(e)) {
                    throw e;
                }
                status.rollbackToSavepoint(savepoint);
                status.releaseSavepoint(savepoint);
                deadLetter(record, headers, e);
            }
        } finally {
            MDC.remove(MDC_MESSAGE_ID);
            MDC.remove(MDC_MESSAGE_TYPE);
            MDC.remove(MDC_SAGA_ID);
        }
    }

    private void handle(ConsumerRecord<String, String> record, Map<String, String> headers) {
        UUID messageId = uuidHeader(headers, MessageHeaders.MESSAGE_ID, true);
        String typeName = headers.get(MessageHeaders.MESSAGE_TYPE);
        if (typeName == null || typeName.isBlank()) {
            throw new PermanentMessageException("missing " + MessageHeaders.MESSAGE_TYPE + " header");
        }
        MessageCatalog.Entry entry = MessageCatalog.byName(typeName)
                .filter(e -> e.topic().equals(record.topic()))
                .orElseThrow(() -> new PermanentMessageException(
                        "unknown message type " + typeName + " on topic " + record.topic()));
        MessageHandlers.Registration registration = handlers.find(typeName)
                .orElseThrow(() -> new PermanentMessageException(
                        "no handler for message type " + typeName + " on topic " + record.topic()));
        if (registration instanceof MessageHandlers.Ignored) {
            return;
        }
        if (!inbox.record(messageId, typeName, record.topic())) {
            handleDuplicate(messageId, registration);
            return;
        }
        IncomingMessage<Object> message = new IncomingMessage<>(messageId,
                uuidHeader(headers, MessageHeaders.CORRELATION_ID, false), record.topic(), record.partition(),
                record.offset(), headers, decode(record, entry.type()));
        switch (registration) {
            case MessageHandlers.Command<?> command -> reply(messageId, typeName, invoke(command, message));
            case MessageHandlers.Event<?> event -> invoke(event, message);
            case MessageHandlers.Ignored ignored -> throw new IllegalStateException("ignored types return above");
        }
    }

    private void handleDuplicate(UUID messageId, MessageHandlers.Registration registration) {
        if (registration instanceof MessageHandlers.Command<?>) {
            List<OutboxMessage> replies = inbox.replies(messageId);
            replies.forEach(outbox::enqueue);
            log.debug("duplicate command {}: re-queued its {} stored replies", messageId, replies.size());
        } else {
            log.debug("duplicate message {}: already handled", messageId);
        }
    }

    private void reply(UUID commandId, String commandType, Object reply) {
        if (reply == null) {
            throw new IllegalStateException("the handler of " + commandType + " returned no reply");
        }
        OutboxMessage row = outbox.toOutboxMessage(UUID.randomUUID(), reply,
                Map.of(MessageHeaders.CORRELATION_ID, commandId.toString()));
        outbox.enqueue(row);
        inbox.storeReplies(commandId, List.of(row));
    }

    private Object decode(ConsumerRecord<String, String> record, Class<?> type) {
        if (record.value() == null) {
            throw new PermanentMessageException("record has no value");
        }
        try {
            return json.readValue(record.value(), type);
        } catch (JacksonException e) {
            throw new PermanentMessageException("undecodable " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object invoke(MessageHandlers.Command<?> command, IncomingMessage<Object> message) {
        return ((CommandHandler<Object>) command.handler()).handle(message);
    }

    @SuppressWarnings("unchecked")
    private static void invoke(MessageHandlers.Event<?> event, IncomingMessage<Object> message) {
        ((MessageHandler<Object>) event.handler()).handle(message);
    }

    private void deadLetter(ConsumerRecord<String, String> record, Map<String, String> headers, RuntimeException e) {
        String reason = DeadLetters.reasonOf(e);
        OutboxMessage row = deadLetters.of(record, headers, reason);
        outbox.enqueue(row);
        String origin = DeadLetters.originOf(record);
        if (e instanceof PermanentMessageException) {
            log.warn("dead-lettered {} from {} to {} (messageId {}, sagaId {}, SQLSTATE {}): {}",
                    headers.get(MessageHeaders.MESSAGE_TYPE), origin, row.topic(),
                    headers.get(MessageHeaders.MESSAGE_ID), headers.get(MessageHeaders.SAGA_ID),
                    TransientErrors.sqlState(e), reason);
        } else {
            // Not a verdict of the handler: keep the stack trace, it is probably a bug or a violated constraint.
            log.warn("dead-lettered {} from {} to {} (messageId {}, sagaId {}, SQLSTATE {}): {}",
                    headers.get(MessageHeaders.MESSAGE_TYPE), origin, row.topic(),
                    headers.get(MessageHeaders.MESSAGE_ID), headers.get(MessageHeaders.SAGA_ID),
                    TransientErrors.sqlState(e), reason, e);
        }
    }

    private static UUID uuidHeader(Map<String, String> headers, String name, boolean required) {
        String value = headers.get(name);
        if (value == null) {
            if (required) {
                throw new PermanentMessageException("missing " + name + " header");
            }
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new PermanentMessageException("invalid " + name + " header, not a UUID", e);
        }
    }

    /** Kafka headers as strings; the last value wins when a name repeats. */
    private static Map<String, String> headersOf(ConsumerRecord<String, String> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static void putMdc(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }
}
