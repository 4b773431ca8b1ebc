package com.sagaworks.messaging.outbox;

import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.messaging.retry.TransientErrors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.kafka.support.SendResult;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes committed outbox rows to Kafka, in {@code seq} order, from one platform thread.
 *
 * <p>Each round: take the lease, or renew it when half the send window has passed since the last renewal (only
 * its holder publishes, so per-key order holds with several instances), read up to {@code batchSize} rows without a
 * transaction, send them all, wait for every acknowledgement, then delete the acknowledged rows in one statement
 * that also checks no other relay took the lease meanwhile: under load a round is two statements. A row whose send
 * failed stays, and so does every later row with the same key, so the next round sends them again in order. A
 * crash between send and delete publishes rows twice; consumers deduplicate on {@code message-id}. Between rounds
 * the thread waits on {@code LISTEN messaging_outbox}, with the poll interval as a safety net.
 *
 * <p>Rounds never outlast the lease: the producer's timeouts are cut to fit inside it and sends start only
 * shortly after the renewal ({@link RelayTimeouts}), so a standby that takes over an expired lease never
 * publishes while an old round still has records in flight. What remains: a JVM paused (GC, suspended VM) for
 * about a quarter of the TTL between the start check and the send itself, or a broker appending a request after
 * the client gave up on it, could still let two relays' records of one key interleave; the check before the
 * delete then finds the lease taken, logs it, and leaves the rows to the new holder.
 */
public class OutboxRelay implements SmartLifecycle, DisposableBean {

    /** Stops after the consumer (which writes outbox rows) and starts before it. */
    public static final int PHASE = Integer.MAX_VALUE - 200;

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** The age is measured by the database, so the publish-lag metric does not depend on the two clocks agreeing. */
    static final String SELECT_BATCH = """
            SELECT id, topic, aggregate_type, aggregate_id, type, payload::text AS payload, headers::text AS headers,
                   (extract(epoch FROM clock_timestamp() - created_at) * 1000)::bigint AS age_millis
              FROM messaging_outbox
             ORDER BY seq
             LIMIT :limit
            """;

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    /** Longest single wait, so a stop request is noticed quickly even with a long poll interval. */
    private static final Duration WAIT_SLICE = Duration.ofMillis(250);
    private static final Duration FIRST_ERROR_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_ERROR_BACKOFF = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Beyond the round budget, before an acknowledgement that never came is given up on. */
    private static final Duration OUTCOME_GRACE = Duration.ofSeconds(1);

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final ProducerFactory<String, String> producerFactory;
    private final KafkaTemplate<String, String> kafka;
    private final OutboxNotifications notifications;
    private final RelayLease lease;
    private final RelayTimeouts timeouts;
    private final MessagingMetrics metrics;
    private final int batchSize;
    private final Duration pollInterval;
    /** Renewal happens at least this often, well inside the TTL, even when no notification arrives. */
    private final Duration idleWait;

    private final AtomicLong published = new AtomicLong();
    private final Object lifecycleMonitor = new Object();
    private volatile boolean running;
    private volatile boolean leader;
    private volatile CountDownLatch stopSignal = new CountDownLatch(0);
    private Thread thread;
    private Duration errorBackoff = FIRST_ERROR_BACKOFF;
    /** When the last successful take or renewal of the lease started ({@link System#nanoTime()}). */
    private long renewedAt;

    /**
     * @param producerFactory must be configured for {@code String} keys and values and accept
     *                        {@link ProducerFactory#updateConfigs} (as {@code DefaultKafkaProducerFactory} does): the
     *                        relay cuts its timeouts to fit the lease; the relay destroys it when it is destroyed
     * @param leaseTtl        at least 2 seconds
     */
    public OutboxRelay(DataSource dataSource, JsonMapper json, ProducerFactory<String, String> producerFactory,
                       int batchSize, Duration pollInterval, Duration leaseTtl) {
        this(dataSource, json, producerFactory, batchSize, pollInterval, leaseTtl, MessagingMetrics.none());
    }

    /** As above, counting what it publishes in {@code metrics}. */
    public OutboxRelay(DataSource dataSource, JsonMapper json, ProducerFactory<String, String> producerFactory,
                       int batchSize, Duration pollInterval, Duration leaseTtl, MessagingMetrics metrics) {
        this.timeouts = boundProducer(producerFactory, leaseTtl);
        this.metrics = metrics;
        this.jdbc = JdbcClient.create(dataSource);
        this.json = json;
        this.producerFactory = producerFactory;
        this.kafka = new KafkaTemplate<>(producerFactory);
        // Spring's default listener logs failed records with their content; payloads must not reach the logs.
        LoggingProducerListener<String, String> producerListener = new LoggingProducerListener<>();
        producerListener.setIncludeContents(false);
        this.kafka.setProducerListener(producerListener);
        this.notifications = new OutboxNotifications(dataSource);
        this.lease = new RelayLease(jdbc, ownerName(), leaseTtl);
        this.batchSize = batchSize;
        this.pollInterval = pollInterval;
        Duration renewal = leaseTtl.dividedBy(3);
        this.idleWait = pollInterval.compareTo(renewal) < 0 ? pollInterval : renewal;
    }

    private static RelayTimeouts boundProducer(ProducerFactory<String, String> producerFactory, Duration leaseTtl) {
        try {
            RelayTimeouts timeouts = RelayTimeouts.of(leaseTtl, producerFactory.getConfigurationProperties());
            producerFactory.updateConfigs(timeouts.producerBounds());
            return timeouts;
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("the relay must be able to read and bound the producer's timeouts "
                    + "(use a DefaultKafkaProducerFactory): " + producerFactory.getClass().getName(), e);
        }
    }

    /** The configuration the relay's producer is created with (timeouts bounded to the lease), for inspection. */
    public Map<String, Object> producerConfiguration() {
        return Map.copyOf(producerFactory.getConfigurationProperties());
    }

    private static String ownerName() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
    }

    @Override
    public void start() {
        synchronized (lifecycleMonitor) {
            if (running) {
                return;
            }
            running = true;
            stopSignal = new CountDownLatch(1);
            thread = Thread.ofPlatform().name("outbox-relay").daemon(true).unstarted(this::run);
            thread.start();
            log.info("outbox relay {} started (batch size {}, poll interval {})", lease.owner(), batchSize,
                    pollInterval);
        }
    }

    /** Lets the current round finish (its rows are then deleted, not sent twice), then releases the lease. */
    @Override
    public void stop() {
        Thread t;
        synchronized (lifecycleMonitor) {
            if (!running) {
                return;
            }
            running = false;
            stopSignal.countDown();
            t = thread;
            thread = null;
        }
        try {
            if (!t.join(STOP_TIMEOUT)) {
                log.warn("outbox relay did not stop within {}; interrupting it", STOP_TIMEOUT);
                t.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public void destroy() throws Exception {
        stop();
        if (producerFactory instanceof DisposableBean disposable) {
            disposable.destroy();
        }
    }

    /** Whether this relay held the lease at the end of its last round. */
    public boolean isLeader() {
        return leader;
    }

    /** Rows this relay has published and deleted since it was created. */
    public long publishedCount() {
        return published.get();
    }

    private void run() {
        try {
            while (running) {
                try {
                    round();
                } catch (RuntimeException e) {
                    log.error("outbox relay round failed (SQLSTATE {}); next attempt in {}",
                            TransientErrors.sqlState(e), errorBackoff, e);
                    waitFor(errorBackoff, false);
                    errorBackoff = doubled(errorBackoff);
                }
            }
        } finally {
            shutDown();
        }
    }

    private void round() {
        // LISTEN before reading: a commit that lands after the read below then wakes the next wait.
        notifications.ensureListening();
        // A leader renews only when half its send window has gone by since the last renewal: under load rounds follow
        // each other within milliseconds, and one write per round for the lease would cost as much as the deletes.
        // Every bound of a round (send window, round budget) counts from the renewal, so skipping one changes none.
        long now = System.nanoTime();
        boolean holds;
        if (leader && now - renewedAt < timeouts.sendWindow().toNanos() / 2) {
            holds = true;
        } else {
            // Taken before the renewal: the lease then runs at least a TTL from here, whatever the statement took.
            holds = lease.tryHold();
            if (holds) {
                renewedAt = now;
            }
        }
        if (holds != leader) {
            log.info(holds ? "outbox relay {} holds the lease and publishes"
                    : "outbox relay {} does not hold the lease; standing by", lease.owner());
            leader = holds;
        }
        if (!holds) {
            errorBackoff = FIRST_ERROR_BACKOFF;
            // A standby ignores notifications: it only needs to notice when the leader's lease expires.
            waitFor(idleWait, false);
            return;
        }
        Batch batch = publishBatch();
        if (batch.leaseLost()) {
            leader = false;
            return;
        }
        if (batch.failed() > 0) {
            waitFor(errorBackoff, false);
            errorBackoff = doubled(errorBackoff);
            return;
        }
        errorBackoff = FIRST_ERROR_BACKOFF;
        if (batch.read() < batchSize && batch.kept() == 0) {
            waitFor(idleWait, true);
        }
        // A full batch that went out completely, or rows left unsent because the send window closed: more rows are
        // waiting, so go again at once (under a freshly renewed lease).
    }

    private Batch publishBatch() {
        List<Row> read = jdbc.sql(SELECT_BATCH).param("limit", batchSize).query(this::toRow).list();
        long readAt = System.nanoTime();
        if (read.isEmpty()) {
            return new Batch(0, 0, 0, false);
        }
        List<OutboxMessage> rows = read.stream().map(Row::message).toList();
        if (readAt - renewedAt > timeouts.sendWindow().toNanos() / 2) {
            // The read was slow: renew right before sending, so the sends get a whole window and a slow database
            // cannot leave every round with no time to send anything.
            long renewal = System.nanoTime();
            if (!lease.tryHold()) {
                log.info("outbox relay {} lost the lease before sending; standing by", lease.owner());
                return new Batch(0, 0, 0, true);
            }
            renewedAt = renewal;
        }
        long sendCutoff = renewedAt + timeouts.sendWindow().toNanos();
        long outcomeDeadline = renewedAt + timeouts.roundBudget().toNanos();
        // null: not sent, because the outcome is known already (an earlier row of its key or topic failed), or
        // because the send window closed.
        List<CompletableFuture<SendResult<String, String>>> sends = new ArrayList<>(rows.size());
        Set<String> failedKeys = new HashSet<>();
        Set<String> unreachableTopics = new HashSet<>();
        for (OutboxMessage row : rows) {
            // Past the window a send could still be in flight when the lease expires: leave it to the next round.
            if (System.nanoTime() - sendCutoff > 0) {
                sends.add(null);
                continue;
            }
            if (failedKeys.contains(row.aggregateId()) || unreachableTopics.contains(row.topic())) {
                failedKeys.add(row.aggregateId());
                sends.add(null);
                continue;
            }
            CompletableFuture<SendResult<String, String>> send;
            try {
                send = kafka.send(toRecord(row));
            } catch (RuntimeException e) {
                send = CompletableFuture.failedFuture(e);
            }
            if (send.isCompletedExceptionally()) {
                failedKeys.add(row.aggregateId());
                if (isMetadataTimeout(send.exceptionNow())) {
                    // It blocked max.block.ms for the topic's metadata; every further row of it would again.
                    unreachableTopics.add(row.topic());
                }
            }
            sends.add(send);
        }

        List<UUID> acknowledged = new ArrayList<>(rows.size());
        Set<String> blockedKeys = new HashSet<>();
        Throwable firstFailure = null;
        int failed = 0;
        for (int i = 0; i < rows.size(); i++) {
            OutboxMessage row = rows.get(i);
            Throwable failure = sends.get(i) == null ? null : outcome(sends.get(i), outcomeDeadline);
            if (sends.get(i) == null) {
                blockedKeys.add(row.aggregateId());
            } else if (failure != null) {
                failed++;
                firstFailure = firstFailure == null ? failure : firstFailure;
                blockedKeys.add(row.aggregateId());
                metrics.sendFailed(row.topic());
            } else {
                metrics.published(row.topic(),
                        Duration.ofMillis(read.get(i).ageMillis()).plusNanos(System.nanoTime() - readAt));
                // Sent after an earlier row of its key failed: it stays, to go again after that one, in order.
                if (!blockedKeys.contains(row.aggregateId())) {
                    acknowledged.add(row.id());
                }
            }
        }
        if (!acknowledged.isEmpty()) {
            int deleted = lease.deleteIfStillOurs(acknowledged.toArray(UUID[]::new));
            if (deleted == 0 && !lease.stillOurs()) {
                // Another relay took over while this round was sending: it publishes these rows again, and the
                // two may have interleaved records of a key. Only the holder touches the outbox.
                log.warn("outbox relay {} lost its lease during a round; leaving {} published rows to the new "
                        + "holder (consumers drop the duplicates)", lease.owner(), acknowledged.size());
                return new Batch(rows.size(), rows.size(), failed, true);
            }
            if (deleted != acknowledged.size()) {
                log.warn("deleted {} of {} published outbox rows; the others were gone already (another relay?)",
                        deleted, acknowledged.size());
            }
            published.addAndGet(acknowledged.size());
        }
        int kept = rows.size() - acknowledged.size();
        if (failed > 0) {
            log.warn("outbox relay: {} of {} sends failed; {} rows (those and later rows of the same keys) stay for "
                    + "the next round", failed, rows.size(), kept, firstFailure);
        } else if (kept > 0) {
            log.debug("outbox relay: the send window closed after {} of {} rows; the rest go in the next round",
                    acknowledged.size(), rows.size());
        }
        return new Batch(rows.size(), kept, failed, false);
    }

    private static ProducerRecord<String, String> toRecord(OutboxMessage row) {
        List<Header> headers = new ArrayList<>(row.headers().size());
        row.headers().forEach((name, value) -> headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
        return new ProducerRecord<>(row.topic(), null, row.aggregateId(), row.payload(), headers);
    }

    private static boolean isMetadataTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits for one acknowledgement; the failure, or {@code null} when the record was written. The producer's
     * delivery timeout answers well before {@code deadline}; the bound only keeps a lost callback from stalling
     * the relay, and such a record counts as failed (it is sent again next round).
     */
    private static Throwable outcome(CompletableFuture<SendResult<String, String>> send, long deadline) {
        try {
            send.get(Math.max(0, deadline - System.nanoTime()) + OUTCOME_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (java.util.concurrent.TimeoutException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    private Row toRow(ResultSet rs, int rowNum) throws SQLException {
        return new Row(new OutboxMessage(rs.getObject("id", UUID.class), rs.getString("topic"),
                rs.getString("aggregate_type"), rs.getString("aggregate_id"), rs.getString("type"),
                rs.getString("payload"), json.readValue(rs.getString("headers"), HEADERS)), rs.getLong("age_millis"));
    }

    /**
     * Waits up to {@code max}, on notifications when listening, otherwise on the stop signal alone. Returns
     * early on stop and, when {@code wakeOnNotify}, on the first notification.
     */
    private void waitFor(Duration max, boolean wakeOnNotify) {
        long deadline = System.nanoTime() + max.toNanos();
        boolean notified = false;
        while (running && !notified) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                // A whole wait without a word: make sure the LISTEN connection is still alive.
                notifications.validate();
                return;
            }
            Duration slice = Duration.ofNanos(Math.min(remaining, WAIT_SLICE.toNanos()));
            if (notifications.isListening()) {
                notified = notifications.await(slice) && wakeOnNotify;
            } else {
                awaitStop(slice);
                // Rows committed before a new LISTEN woke nobody, so a leader looks at the outbox at once.
                notified = notifications.ensureListening() && wakeOnNotify;
            }
        }
    }

    private void awaitStop(Duration timeout) {
        try {
            stopSignal.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void shutDown() {
        notifications.close();
        if (leader) {
            try {
                lease.release();
            } catch (RuntimeException e) {
                log.warn("outbox relay could not release its lease (SQLSTATE {}); it expires on its own",
                        TransientErrors.sqlState(e), e);
            }
            leader = false;
        }
        log.info("outbox relay {} stopped after publishing {} rows", lease.owner(), published.get());
    }

    private static Duration doubled(Duration d) {
        Duration twice = d.multipliedBy(2);
        return twice.compareTo(MAX_ERROR_BACKOFF) > 0 ? MAX_ERROR_BACKOFF : twice;
    }

    /** An outbox row as read, with its age by the database clock. */
    private record Row(OutboxMessage message, long ageMillis) {
    }

    /**
     * What a round did: rows read; rows kept for the next round (failed, behind a failure of their key, or not sent
     * because the send window closed); failed sends; whether the lease was found taken before the delete.
     */
    private record Batch(int read, int kept, int failed, boolean leaseLost) {
    }
}
