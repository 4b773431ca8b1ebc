package com.sagaworks.messaging.outbox;

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
 * <p>Each round: hold the lease (only its holder publishes, so per-key order holds with several instances),
 * read up to {@code batchSize} rows without a transaction, send them all, wait for every acknowledgement, then
 * delete the acknowledged rows in one statement. A row whose send failed stays, and so does every later row
 * with the same key, so the next round sends them again in order. A crash between send and delete publishes
 * rows twice; consumers deduplicate on {@code message-id}. Between rounds the thread waits on
 * {@code LISTEN messaging_outbox}, with the poll interval as a safety net.
 */
public class OutboxRelay implements SmartLifecycle, DisposableBean {

    /** Stops after the consumer (which writes outbox rows) and starts before it. */
    public static final int PHASE = Integer.MAX_VALUE - 200;

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private static final String SELECT_BATCH = """
            SELECT id, topic, aggregate_type, aggregate_id, type, payload::text AS payload, headers::text AS headers
              FROM messaging_outbox
             ORDER BY seq
             LIMIT :limit
            """;

    private static final String DELETE_PUBLISHED = """
            DELETE FROM messaging_outbox
             WHERE id = ANY(:ids)
            """;

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    /** Longest single wait, so a stop request is noticed quickly even with a long poll interval. */
    private static final Duration WAIT_SLICE = Duration.ofMillis(250);
    private static final Duration FIRST_ERROR_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_ERROR_BACKOFF = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final ProducerFactory<String, String> producerFactory;
    private final KafkaTemplate<String, String> kafka;
    private final OutboxNotifications notifications;
    private final RelayLease lease;
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

    /**
     * @param producerFactory must be configured for {@code String} keys and values; the relay destroys it
     *                        when it is destroyed
     */
    public OutboxRelay(DataSource dataSource, JsonMapper json, ProducerFactory<String, String> producerFactory,
                       int batchSize, Duration pollInterval, Duration leaseTtl) {
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
        boolean holds = lease.tryHold();
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
        if (batch.kept() > 0) {
            waitFor(errorBackoff, false);
            errorBackoff = doubled(errorBackoff);
            return;
        }
        errorBackoff = FIRST_ERROR_BACKOFF;
        if (batch.read() < batchSize) {
            waitFor(idleWait, true);
        }
        // A full batch that went out completely: more rows are probably waiting, so drain at once.
    }

    private Batch publishBatch() {
        List<OutboxMessage> rows = jdbc.sql(SELECT_BATCH).param("limit", batchSize).query(this::toMessage).list();
        if (rows.isEmpty()) {
            return new Batch(0, 0);
        }
        // null: not sent, because the outcome is known already (an earlier row of its key or topic failed).
        List<CompletableFuture<SendResult<String, String>>> sends = new ArrayList<>(rows.size());
        Set<String> failedKeys = new HashSet<>();
        Set<String> unreachableTopics = new HashSet<>();
        for (OutboxMessage row : rows) {
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
            Throwable failure = sends.get(i) == null ? null : outcome(sends.get(i));
            if (sends.get(i) == null) {
                blockedKeys.add(row.aggregateId());
            } else if (failure != null) {
                failed++;
                firstFailure = firstFailure == null ? failure : firstFailure;
                blockedKeys.add(row.aggregateId());
            } else if (!blockedKeys.contains(row.aggregateId())) {
                acknowledged.add(row.id());
            }
            // else: sent, but an earlier row of its key failed; it goes again after that one, in order.
        }
        if (!acknowledged.isEmpty()) {
            int deleted = jdbc.sql(DELETE_PUBLISHED).param("ids", acknowledged.toArray(UUID[]::new)).update();
            if (deleted != acknowledged.size()) {
                log.warn("deleted {} of {} published outbox rows; the others were gone already (another relay?)",
                        deleted, acknowledged.size());
            }
            published.addAndGet(acknowledged.size());
        }
        int kept = rows.size() - acknowledged.size();
        if (kept > 0) {
            log.warn("outbox relay: {} of {} sends failed; {} rows (those and later rows of the same keys) stay for "
                    + "the next round", failed, rows.size(), kept, firstFailure);
        }
        return new Batch(rows.size(), kept);
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

    /** Waits for one acknowledgement; the failure, or {@code null} when the record was written. */
    private static Throwable outcome(CompletableFuture<SendResult<String, String>> send) {
        try {
            send.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    private OutboxMessage toMessage(ResultSet rs, int rowNum) throws SQLException {
        return new OutboxMessage(rs.getObject("id", UUID.class), rs.getString("topic"),
                rs.getString("aggregate_type"), rs.getString("aggregate_id"), rs.getString("type"),
                rs.getString("payload"), json.readValue(rs.getString("headers"), HEADERS));
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

    /** What a round did: rows read, and rows kept for the next round because a send failed. */
    private record Batch(int read, int kept) {
    }
}
