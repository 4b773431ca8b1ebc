package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageCatalog;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.messaging.inbox.Inbox;
import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.messaging.outbox.JdbcOutbox;
import com.sagaworks.messaging.outbox.OutboxMessage;
import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.messaging.retry.TransientErrors;
import com.sagaworks.messaging.tracing.MessageTracing;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The listener of the service's batch consumer. A batch is one transaction, run through the
 * {@link TransactionRunner} (a transient database error rolls the whole batch back and runs it again). It starts
 * by inserting the {@code message-id}s of all its records into the inbox in one statement
 * ({@link Inbox#recordAll}); then, for each record:
 * <ol>
 *     <li>if its id was already in the inbox (or came earlier in the batch), re-queue a command's stored replies
 *     (same ids) and stop;</li>
 *     <li>decode the value into the registered record and call the handler;</li>
 *     <li>for a command, queue the reply in the outbox, correlated with the command, and keep a copy in the
 *     inbox row.</li>
 * </ol>
 * Before the first record, the service's {@link BatchPreparer} (if any) may read what the batch's handlers need in
 * one statement. The outbox rows the records queue (replies, and whatever the handlers send) are held back and
 * written at the end of the batch by one statement ({@link JdbcOutbox#writeTogether}), in the order they were
 * queued.
 * A command handler may return {@link DeferredReply#LATER} instead of a reply: the inbox row then waits for
 * {@link DeferredReplies#complete}, and a duplicate meanwhile re-sends nothing.
 *
 * <p>A record that fails permanently is replaced by a dead-letter outbox row and the batch goes on without its
 * writes. For that a record needs a savepoint to roll back to, two more statements per record; so a batch first
 * runs without any, and only when a record fails for good is that transaction rolled back and the batch run again
 * with a savepoint per record (counted in {@link MessagingMetrics#BATCH_RERUNS}). The first run counts for nothing:
 * handlers are already run again whenever a transient error rolls a batch back. Records of a
 * dead-letter topic the service subscribed to go to its {@link DeadLetterHandler}, once each. When the transaction
 * keeps failing the listener throws, the container redelivers the batch, and no offset is committed before the
 * effect.
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
    private final MessagingMetrics metrics;
    private final MessageTracing tracing;

    public BatchConsumer(MessageHandlers handlers, Inbox inbox, JdbcOutbox outbox, JsonMapper json,
                         TransactionRunner transactionRunner, PlatformTransactionManager transactionManager) {
        this(handlers, inbox, outbox, json, transactionRunner, transactionManager, MessagingMetrics.none());
    }

    public BatchConsumer(MessageHandlers handlers, Inbox inbox, JdbcOutbox outbox, JsonMapper json,
                         TransactionRunner transactionRunner, PlatformTransactionManager transactionManager,
                         MessagingMetrics metrics) {
        this(handlers, inbox, outbox, json, transactionRunner, transactionManager, metrics, MessageTracing.none());
    }

    /**
     * @param tracing continues, while a record is handled, the trace whose context the record's headers carry,
     *                so the handler's outbox rows carry it on
     */
    public BatchConsumer(MessageHandlers handlers, Inbox inbox, JdbcOutbox outbox, JsonMapper json,
                         TransactionRunner transactionRunner, PlatformTransactionManager transactionManager,
                         MessagingMetrics metrics, MessageTracing tracing) {
        this.metrics = metrics;
        this.tracing = tracing;
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
        long started = System.nanoTime();
        // Counted only for the attempt that committed: a rolled-back attempt's duplicates and dead letters did not
        // happen.
        AtomicReference<Tally> committed = new AtomicReference<>();
        try {
            try {
                run(operation, records, false, committed);
            } catch (RecordFailed e) {
                if (e.failure == null) {
                    log.debug("{}: {}; running the batch again with a savepoint per record", operation,
                            e.getMessage());
                } else {
                    // Not a record's own failure, which the run with savepoints would report: say it here.
                    log.warn("{}: {} failed for good (SQLSTATE {}); running the batch again with a savepoint per "
                            + "record", operation, e.getMessage(), TransientErrors.sqlState(e.failure), e.failure);
                }
                metrics.batchRerun();
                run(operation, records, true, committed);
            }
            metrics.batch(Duration.ofNanos(System.nanoTime() - started), true);
            committed.get().report(metrics);
        } catch (RuntimeException | Error e) {
            metrics.batch(Duration.ofNanos(System.nanoTime() - started), false);
            // Rethrown so the container redelivers the batch; logged here so it is visible whatever the
            // container's log level.
            log.error("{} failed and was rolled back (SQLSTATE {}); the batch from {} is redelivered", operation,
                    TransientErrors.sqlState(e), DeadLetters.originOf(records.getFirst()), e);
            throw e;
        }
    }

    /**
     * One transaction over the batch. Without savepoints, the first record that fails for good ends it with
     * {@link RecordFailed}, which rolls it back; with them, such a record is dead-lettered and the rest goes on.
     */
    private void run(String operation, List<ConsumerRecord<String, String>> records, boolean savepoints,
                     AtomicReference<Tally> committed) {
        List<Map<String, String>> headers = records.stream().map(BatchConsumer::headersOf).toList();
        transactionRunner.inTransaction(operation, () -> batchTransaction.executeWithoutResult(status -> {
            Tally tally = new Tally();
            // With savepoints each record's inbox row is inserted inside its own savepoint, so that a record
            // dead-lettered there leaves no inbox row behind, as without the batch.
            if (savepoints) {
                for (int i = 0; i < records.size(); i++) {
                    handleTraced(records.get(i), headers.get(i), status, tally, Claims.NONE);
                }
            } else {
                AtomicBoolean handled = new AtomicBoolean();
                try {
                    // The read-ahead of claimAll runs inside too: whatever it queued is held back with the rest.
                    outbox.writeTogether(() -> {
                        Claims claims = claimAll(records, headers);
                        for (int i = 0; i < records.size(); i++) {
                            handleTraced(records.get(i), headers.get(i), null, tally, claims);
                        }
                        handled.set(true);
                    });
                } catch (RuntimeException e) {
                    // After the last record only the write of the held-back rows is left to fail; the run with
                    // savepoints writes each record's rows with the record, where a bad one is found.
                    if (handled.get() && isPermanent(e)) {
                        throw new RecordFailed("writing the outbox rows of the batch", e);
                    }
                    throw e;
                }
            }
            committed.set(tally);
        }));
    }

    /**
     * Inserts the inbox rows of every record that will be handled (not those of an ignored type, a dead-letter
     * topic, or that fail their header checks: those are left to {@link #handle}, which reports them) in one
     * statement instead of one per record; then runs the service's {@link BatchPreparer}, if any, for the records
     * recorded now.
     */
    private Claims claimAll(List<ConsumerRecord<String, String>> records, List<Map<String, String>> headers) {
        List<Inbox.Entry> entries = new ArrayList<>(records.size());
        List<Map<String, String>> entryHeaders = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, String> record = records.get(i);
            if (handlers.deadLetterHandler(record.topic()).isPresent()) {
                continue;
            }
            try {
                Target target = target(record, headers.get(i));
                if (!(target.registration() instanceof MessageHandlers.Ignored)) {
                    entries.add(new Inbox.Entry(target.messageId(), target.typeName(), record.topic()));
                    entryHeaders.add(headers.get(i));
                }
            } catch (PermanentMessageException e) {
                // handled again, and reported, when its turn comes
            }
        }
        if (entries.isEmpty()) {
            return Claims.NONE;
        }
        Set<UUID> recordedNow = inbox.recordAll(entries);
        handlers.batchPreparer().ifPresent(preparer -> {
            // Each id once, as the handlers will see them: the first delivery of every id recorded now.
            Set<UUID> first = new HashSet<>(recordedNow);
            List<Map<String, String>> toHandle = new ArrayList<>(recordedNow.size());
            for (int i = 0; i < entries.size(); i++) {
                if (first.remove(entries.get(i).messageId())) {
                    toHandle.add(entryHeaders.get(i));
                }
            }
            if (!toHandle.isEmpty()) {
                try {
                    preparer.prepare(toHandle);
                } catch (RuntimeException e) {
                    throw isPermanent(e) ? new RecordFailed("the batch preparer", e) : e;
                }
            }
        });
        return new Claims(entries.stream().map(Inbox.Entry::messageId).collect(Collectors.toSet()), recordedNow);
    }

    /** @param status the batch's transaction to make savepoints in, or null for a run without them */
    private void handleTraced(ConsumerRecord<String, String> record, Map<String, String> headers,
                              TransactionStatus status, Tally tally, Claims claims) {
        tracing.continueTrace(headers, "consume " + record.topic(), () -> {
            handleRecord(record, headers, status, tally, claims);
            return null;
        });
    }

    private void handleRecord(ConsumerRecord<String, String> record, Map<String, String> headers,
                              TransactionStatus status, Tally tally, Claims claims) {
        String messageId = headers.get(MessageHeaders.MESSAGE_ID);
        String messageType = headers.get(MessageHeaders.MESSAGE_TYPE);
        String sagaId = headers.get(MessageHeaders.SAGA_ID);
        putMdc(MDC_MESSAGE_ID, messageId);
        putMdc(MDC_MESSAGE_TYPE, messageType);
        putMdc(MDC_SAGA_ID, sagaId);
        try {
            Optional<DeadLetterHandler> deadLetterHandler = handlers.deadLetterHandler(record.topic());
            if (deadLetterHandler.isPresent()) {
                handleDeadLetter(record, headers, deadLetterHandler.get(), status, tally);
                return;
            }
            if (status == null) {
                try {
                    handle(record, headers, tally, claims);
                } catch (RuntimeException e) {
                    throw failedForGood(record, e);
                }
                return;
            }
            Object savepoint = status.createSavepoint();
            try {
                handle(record, headers, tally, claims);
                status.releaseSavepoint(savepoint);
            } catch (RuntimeException e) {
                if (!isPermanent(e)) {
                    throw e;
                }
                status.rollbackToSavepoint(savepoint);
                status.releaseSavepoint(savepoint);
                deadLetter(record, headers, e);
                tally.deadLettered.add(record.topic());
            }
        } finally {
            MDC.remove(MDC_MESSAGE_ID);
            MDC.remove(MDC_MESSAGE_TYPE);
            MDC.remove(MDC_SAGA_ID);
        }
    }

    /** A record's id, type and handler, as its headers name them. */
    private record Target(UUID messageId, String typeName, MessageCatalog.Entry entry,
                          MessageHandlers.Registration registration) {
    }

    /** @throws PermanentMessageException when the headers do not name a message this service can take */
    private Target target(ConsumerRecord<String, String> record, Map<String, String> headers) {
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
        return new Target(messageId, typeName, entry, registration);
    }

    private void handle(ConsumerRecord<String, String> record, Map<String, String> headers, Tally tally,
                        Claims claims) {
        Target target = target(record, headers);
        UUID messageId = target.messageId();
        MessageHandlers.Registration registration = target.registration();
        if (registration instanceof MessageHandlers.Ignored) {
            return;
        }
        boolean first = claims.covers(messageId)
                ? claims.takeFirst(messageId)
                : inbox.record(messageId, target.typeName(), record.topic());
        if (!first) {
            handleDuplicate(messageId, registration);
            tally.duplicates.add(record.topic());
            return;
        }
        IncomingMessage<Object> message = new IncomingMessage<>(messageId,
                uuidHeader(headers, MessageHeaders.CORRELATION_ID, false), record.topic(), record.partition(),
                record.offset(), headers, decode(record, target.entry().type()));
        switch (registration) {
            case MessageHandlers.Command<?> command -> answer(messageId, target.typeName(), invoke(command, message));
            case MessageHandlers.Event<?> event -> invoke(event, message);
            case MessageHandlers.Ignored ignored -> throw new IllegalStateException("ignored types return above");
        }
    }

    private void handleDuplicate(UUID messageId, MessageHandlers.Registration registration) {
        if (registration instanceof MessageHandlers.Command<?>) {
            // None while a deferred reply is pending: the pending work will answer.
            List<OutboxMessage> replies = inbox.replies(messageId);
            replies.forEach(outbox::enqueue);
            log.debug("duplicate command {}: re-queued its {} stored replies", messageId, replies.size());
        } else {
            log.debug("duplicate message {}: already handled", messageId);
        }
    }

    private void answer(UUID commandId, String commandType, Object reply) {
        if (reply == DeferredReply.LATER) {
            inbox.deferReply(commandId);
            log.debug("command {} ({}) will be answered later", commandId, commandType);
            return;
        }
        if (reply == null) {
            throw new IllegalStateException("the handler of " + commandType + " returned no reply");
        }
        OutboxMessage row = outbox.toOutboxMessage(UUID.randomUUID(), reply,
                Map.of(MessageHeaders.CORRELATION_ID, commandId.toString()));
        outbox.enqueueReply(commandId, row);
    }

    /**
     * A record of a dead-letter topic: read it, record its dead-letter id in the inbox, hand it over. Nothing here
     * dead-letters again: an unreadable record or a failing handler is logged, counted and skipped, so a bad dead
     * letter can never loop.
     */
    private void handleDeadLetter(ConsumerRecord<String, String> record, Map<String, String> headers,
                                  DeadLetterHandler handler, TransactionStatus status, Tally tally) {
        DeadLetter letter;
        try {
            letter = deadLetters.read(record, headers);
        } catch (PermanentMessageException e) {
            log.warn("skipped an unreadable record of dead-letter topic {} at {} (messageId {}): {}", record.topic(),
                    DeadLetters.originOf(record), headers.get(MessageHeaders.MESSAGE_ID), e.getMessage());
            tally.dropped.add(new Dropped(record.topic(), "unreadable"));
            return;
        }
        Object savepoint = status == null ? null : status.createSavepoint();
        try {
            if (inbox.record(letter.id(), letter.messageType().orElse("unknown"), record.topic())) {
                handler.handle(letter);
            } else {
                log.debug("duplicate dead letter {} of {}: already handled", letter.id(), letter.origin());
                tally.duplicates.add(record.topic());
            }
            if (status != null) {
                status.releaseSavepoint(savepoint);
            }
        } catch (RuntimeException e) {
            if (status == null) {
                throw failedForGood(record, e);
            }
            if (!isPermanent(e)) {
                throw e;
            }
            status.rollbackToSavepoint(savepoint);
            status.releaseSavepoint(savepoint);
            log.error("the dead-letter handler failed on dead letter {} ({} from {}, messageId {}, sagaId {}, "
                            + "SQLSTATE {}); skipped, not dead-lettered again", letter.id(),
                    letter.messageType().orElse("unknown type"), letter.origin(), letter.messageId().orElse(null),
                    letter.sagaId().orElse(null), TransientErrors.sqlState(e), e);
            tally.dropped.add(new Dropped(record.topic(), "handler-failed"));
        }
    }

    /**
     * A handler's own PermanentMessageException is its verdict, whatever its cause. Anything else transient is not
     * the record's fault: the whole batch is rolled back and run again.
     */
    private static boolean isPermanent(RuntimeException e) {
        return e instanceof PermanentMessageException || !TransientErrors.isTransient(e);
    }

    /** In a run without savepoints: a transient error as it is, a permanent one as {@link RecordFailed}. */
    private static RuntimeException failedForGood(ConsumerRecord<String, String> record, RuntimeException e) {
        return isPermanent(e) ? new RecordFailed(record) : e;
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

    /**
     * The inbox rows a run inserted up front ({@link #claimAll}): for an id among them, the first record to ask is
     * the first delivery and any later one in the batch a duplicate.
     */
    private static final class Claims {
        static final Claims NONE = new Claims(Set.of(), Set.of());

        private final Set<UUID> covered;
        private final Set<UUID> unclaimed;

        Claims(Set<UUID> covered, Set<UUID> recordedNow) {
            this.covered = covered;
            this.unclaimed = new HashSet<>(recordedNow);
        }

        /** Whether the id's inbox row was inserted (or found) up front. */
        boolean covers(UUID messageId) {
            return covered.contains(messageId);
        }

        /** {@code true} once for an id this run recorded; {@code false} for one that was there already. */
        boolean takeFirst(UUID messageId) {
            return unclaimed.remove(messageId);
        }
    }

    /**
     * Ends a run without savepoints when a record fails for good. It carries no cause, so that the transaction runner
     * never takes it for transient (a handler's verdict may wrap a transient error): it rolls the transaction back
     * and hands it on at once, and the batch runs again with savepoints, where the failure is reported.
     */
    private static final class RecordFailed extends RuntimeException {
        /** What failed when it was not a record (reported by the listener), else null. Not the cause: see above. */
        final transient RuntimeException failure;

        RecordFailed(ConsumerRecord<String, String> record) {
            super("record " + DeadLetters.originOf(record) + " failed for good", null, false, false);
            this.failure = null;
        }

        RecordFailed(String what, RuntimeException failure) {
            super(what, null, false, false);
            this.failure = failure;
        }
    }

    /** What one attempt of a batch did, reported to the metrics once that attempt committed. */
    private static final class Tally {
        final List<String> duplicates = new ArrayList<>();
        final List<String> deadLettered = new ArrayList<>();
        final List<Dropped> dropped = new ArrayList<>();

        void report(MessagingMetrics metrics) {
            duplicates.forEach(metrics::duplicate);
            deadLettered.forEach(metrics::deadLettered);
            dropped.forEach(d -> metrics.deadLetterDropped(d.topic(), d.reason()));
        }
    }

    private record Dropped(String topic, String reason) {
    }
}
