package com.sagaworks.messaging.inbox;

import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.messaging.retry.TransientErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes inbox rows older than the retention window, every {@code interval}, so the table does not grow without
 * bound. Each statement deletes at most {@code batchSize} rows and commits on its own, so no lock is held for
 * long; rows another transaction has locked are skipped until the next run. Rows waiting for a deferred reply are
 * kept whatever their age, and a completed deferred reply counts from its completion.
 *
 * <p>The window must outlast any redelivery: a message that arrives again after its row was deleted is handled
 * again. The outbox needs no such job: the relay deletes each row as soon as the broker acknowledged it.
 */
public class InboxRetention implements SmartLifecycle {

    /** Oldest first, at most {@code :limit} rows, and never a row another transaction holds. */
    private static final String DELETE_EXPIRED = """
            DELETE FROM messaging_inbox
             WHERE message_id IN (
                   SELECT message_id
                     FROM messaging_inbox
                    WHERE received_at < now() - make_interval(secs => :windowSeconds)
                      AND deferred_reply <> 'PENDING'
                      AND (completed_at IS NULL OR completed_at < now() - make_interval(secs => :windowSeconds))
                    ORDER BY received_at
                    LIMIT :limit
                      FOR UPDATE SKIP LOCKED)
            """;

    private static final Logger log = LoggerFactory.getLogger(InboxRetention.class);
    private static final Duration LONGEST_FIRST_DELAY = Duration.ofMinutes(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final Duration window;
    private final Duration interval;
    private final int batchSize;
    private final MessagingMetrics metrics;
    private final Object lifecycleMonitor = new Object();
    private ScheduledExecutorService scheduler;
    private volatile boolean stopping;

    /**
     * @param window    rows received longer ago than this are deleted
     * @param interval  pause between two runs
     * @param batchSize most rows one statement deletes
     */
    public InboxRetention(JdbcClient jdbc, Duration window, Duration interval, int batchSize,
                          MessagingMetrics metrics) {
        this.jdbc = jdbc;
        this.window = window;
        this.interval = interval;
        this.batchSize = batchSize;
        this.metrics = metrics;
    }

    /**
     * Deletes every expired row, one batch per statement, until a batch comes back short or a stop is requested.
     * Runs outside any transaction: each statement commits on its own.
     *
     * @return rows deleted
     */
    public long purge() {
        long total = 0;
        int deleted;
        do {
            deleted = jdbc.sql(DELETE_EXPIRED)
                    .param("windowSeconds", window.toMillis() / 1000.0)
                    .param("limit", batchSize)
                    .update();
            total += deleted;
            metrics.retentionDeleted(deleted);
        } while (deleted == batchSize && !stopping);
        return total;
    }

    private void scheduledPurge() {
        try {
            long deleted = purge();
            if (deleted > 0) {
                log.info("inbox retention deleted {} rows older than {}", deleted, window);
            }
        } catch (RuntimeException e) {
            // Caught so the schedule goes on: a scheduled task that throws is never run again.
            log.warn("inbox retention failed (SQLSTATE {}); next run in {}", TransientErrors.sqlState(e), interval, e);
        }
    }

    @Override
    public void start() {
        synchronized (lifecycleMonitor) {
            if (scheduler != null) {
                return;
            }
            stopping = false;
            scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("inbox-retention").daemon(true).factory());
            // Soon after start too, so a service restarted more often than the interval still cleans up.
            Duration first = interval.compareTo(LONGEST_FIRST_DELAY) < 0 ? interval : LONGEST_FIRST_DELAY;
            scheduler.scheduleWithFixedDelay(this::scheduledPurge, first.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
            log.info("inbox retention keeps {} (every {}, at most {} rows per statement)", window, interval, batchSize);
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService s;
        synchronized (lifecycleMonitor) {
            if (scheduler == null) {
                return;
            }
            stopping = true;
            s = scheduler;
            scheduler = null;
        }
        s.shutdown();
        try {
            if (!s.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("inbox retention did not stop within {}; interrupting it", STOP_TIMEOUT);
                s.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (lifecycleMonitor) {
            return scheduler != null;
        }
    }
}
