package com.sagaworks.messaging.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The library's meters, named and tagged in one place. Built on the service's {@link MeterRegistry} when it has
 * one; otherwise {@link #none()}, whose meters record nothing, so the code that counts never has to check.
 *
 * <p>Tags stay bounded: topics are those of the {@code MessageCatalog} and their dead-letter topics, SQLSTATEs
 * come from the short list of transient ones, outcomes and reasons are fixed words. Operation names and ids are
 * never tags.
 */
public final class MessagingMetrics {

    /** Gauge: rows waiting in {@code messaging_outbox}. */
    public static final String OUTBOX_BACKLOG = "sagaworks.outbox.backlog";
    /** Gauge: age in seconds of the oldest row waiting in the outbox (0 when empty): how far the relay is behind. */
    public static final String OUTBOX_OLDEST_AGE = "sagaworks.outbox.oldest.age";
    /** Counter, tag {@code topic}: records the relay published and then deleted from the outbox. */
    public static final String RELAY_PUBLISHED = "sagaworks.relay.published";
    /** Timer, tag {@code topic}: from the outbox row's {@code created_at} (its commit, roughly) to the broker's ack. */
    public static final String RELAY_PUBLISH_LAG = "sagaworks.relay.publish.lag";
    /** Counter, tag {@code topic}: sends that failed; the row stays and goes again next round. */
    public static final String RELAY_SEND_FAILURES = "sagaworks.relay.send.failures";
    /** Counter, tag {@code topic}: messages the inbox recognised as already handled. */
    public static final String INBOX_DUPLICATES = "sagaworks.inbox.duplicates";
    /** Gauge: commands whose handler returned {@code DeferredReply.LATER} and that still wait for their reply. */
    public static final String INBOX_DEFERRED_PENDING = "sagaworks.inbox.deferred.pending";
    /** Counter: inbox rows deleted by retention. */
    public static final String INBOX_RETENTION_DELETED = "sagaworks.inbox.retention.deleted";
    /** Counter, tag {@code topic} (the source topic): records replaced by a dead letter. */
    public static final String DEAD_LETTERED = "sagaworks.consumer.dead.lettered";
    /**
     * Counter, tags {@code topic} (a dead-letter topic) and {@code reason} ({@code unreadable} or
     * {@code handler-failed}): dead letters a dead-letter handler could not take, logged and skipped.
     */
    public static final String DEAD_LETTERS_DROPPED = "sagaworks.consumer.dead.letters.dropped";
    /** Timer, tag {@code outcome} ({@code committed} or {@code failed}): one consumer batch, retries included. */
    public static final String CONSUMER_BATCH = "sagaworks.consumer.batch";
    /** Counter, tag {@code sqlstate} ({@code none} when the error carried none): transactions run again. */
    public static final String TRANSIENT_RETRIES = "sagaworks.retry.transient";
    /**
     * Counter: consumer batches run a second time with a savepoint per record, because a record failed for good in
     * the first run (which has none).
     */
    public static final String BATCH_RERUNS = "sagaworks.consumer.batch.reruns";

    private final MeterRegistry registry;
    private final Map<String, Counter> published = new ConcurrentHashMap<>();
    private final Map<String, Timer> lag = new ConcurrentHashMap<>();
    private final Map<String, Counter> sendFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> duplicates = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Timer batchCommitted;
    private final Timer batchFailed;
    private final Counter retentionDeleted;
    private final Counter batchReruns;

    public MessagingMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchReruns = Counter.builder(BATCH_RERUNS)
                .description("consumer batches run again with a savepoint per record after a record failed for good")
                .register(registry);
        this.batchCommitted = Timer.builder(CONSUMER_BATCH).tag("outcome", "committed")
                .description("one consumer batch transaction, retries included").register(registry);
        this.batchFailed = Timer.builder(CONSUMER_BATCH).tag("outcome", "failed")
                .description("one consumer batch transaction, retries included").register(registry);
        this.retentionDeleted = Counter.builder(INBOX_RETENTION_DELETED)
                .description("inbox rows deleted by retention").register(registry);
    }

    /** Meters that record nothing: an empty composite registry hands out no-op meters. */
    public static MessagingMetrics none() {
        return new MessagingMetrics(new CompositeMeterRegistry());
    }

    /** The registry the meters live in, for gauges registered elsewhere. */
    public MeterRegistry registry() {
        return registry;
    }

    public void published(String topic, Duration sinceCreated) {
        published.computeIfAbsent(topic, t -> Counter.builder(RELAY_PUBLISHED).tag("topic", t)
                .description("outbox rows published and deleted").register(registry)).increment();
        lag.computeIfAbsent(topic, t -> Timer.builder(RELAY_PUBLISH_LAG).tag("topic", t)
                        .description("outbox row created_at to broker acknowledgement").register(registry))
                .record(sinceCreated.isNegative() ? Duration.ZERO : sinceCreated);
    }

    public void sendFailed(String topic) {
        sendFailures.computeIfAbsent(topic, t -> Counter.builder(RELAY_SEND_FAILURES).tag("topic", t)
                .description("relay sends that failed and stay for the next round").register(registry)).increment();
    }

    public void duplicate(String topic) {
        duplicates.computeIfAbsent(topic, t -> Counter.builder(INBOX_DUPLICATES).tag("topic", t)
                .description("messages the inbox had already handled").register(registry)).increment();
    }

    public void deadLettered(String sourceTopic) {
        deadLettered.computeIfAbsent(sourceTopic, t -> Counter.builder(DEAD_LETTERED).tag("topic", t)
                .description("records replaced by a dead letter").register(registry)).increment();
    }

    /** @param reason {@code unreadable} or {@code handler-failed} */
    public void deadLetterDropped(String deadLetterTopic, String reason) {
        dropped.computeIfAbsent(deadLetterTopic + "|" + reason, key -> Counter.builder(DEAD_LETTERS_DROPPED)
                .tag("topic", deadLetterTopic).tag("reason", reason)
                .description("dead letters a dead-letter handler could not take").register(registry)).increment();
    }

    public void transientRetry(String sqlState) {
        String tag = sqlState == null ? "none" : sqlState;
        retries.computeIfAbsent(tag, s -> Counter.builder(TRANSIENT_RETRIES).tag("sqlstate", s)
                .description("transactions run again after a transient error").register(registry)).increment();
    }

    public void batch(Duration took, boolean committed) {
        (committed ? batchCommitted : batchFailed).record(took);
    }

    public void batchRerun() {
        batchReruns.increment();
    }

    public void retentionDeleted(long rows) {
        retentionDeleted.increment(rows);
    }
}
