package com.sagaworks.messaging.metrics;

import com.sagaworks.messaging.retry.TransientErrors;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;

/**
 * The gauges read from the library's tables: outbox backlog and the age of its oldest row, pending deferred
 * replies. One query answers all three and its result is kept for {@code maxAge}, so a scrape costs at most one
 * round trip per interval however many gauges or scrapers ask. A failed read reports {@code NaN}: unknown, not
 * zero.
 */
public final class TableGauges {

    /** Both counts are cheap: the outbox stays near empty, and a partial index holds only pending replies. */
    private static final String READ = """
            SELECT (SELECT count(*) FROM messaging_outbox) AS outbox_rows,
                   (SELECT coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)
                      FROM messaging_outbox) AS oldest_seconds,
                   (SELECT count(*) FROM messaging_inbox WHERE deferred_reply = 'PENDING') AS pending_replies
            """;

    private static final Logger log = LoggerFactory.getLogger(TableGauges.class);

    private final JdbcClient jdbc;
    private final long maxAgeNanos;
    private long readAtNanos;
    private boolean read;
    private Values values = new Values(Double.NaN, Double.NaN, Double.NaN);

    public TableGauges(JdbcClient jdbc, Duration maxAge) {
        this.jdbc = jdbc;
        this.maxAgeNanos = maxAge.toNanos();
    }

    public void register(MeterRegistry registry) {
        Gauge.builder(MessagingMetrics.OUTBOX_BACKLOG, this, g -> g.current().outboxRows())
                .description("rows waiting in the outbox").strongReference(true).register(registry);
        Gauge.builder(MessagingMetrics.OUTBOX_OLDEST_AGE, this, g -> g.current().oldestSeconds())
                .description("age of the oldest row waiting in the outbox").baseUnit("seconds")
                .strongReference(true).register(registry);
        Gauge.builder(MessagingMetrics.INBOX_DEFERRED_PENDING, this, g -> g.current().pendingReplies())
                .description("commands waiting for a deferred reply").strongReference(true).register(registry);
    }

    synchronized Values current() {
        long now = System.nanoTime();
        if (read && now - readAtNanos < maxAgeNanos) {
            return values;
        }
        read = true;
        readAtNanos = now;
        try {
            values = jdbc.sql(READ).query((rs, n) -> new Values(rs.getLong("outbox_rows"),
                    rs.getDouble("oldest_seconds"), rs.getLong("pending_replies"))).single();
        } catch (RuntimeException e) {
            // Reported as unknown rather than as a stale value; the next read is at most maxAge away.
            log.warn("could not read the messaging gauges (SQLSTATE {}): {}", TransientErrors.sqlState(e), e.toString());
            values = new Values(Double.NaN, Double.NaN, Double.NaN);
        }
        return values;
    }

    record Values(double outboxRows, double oldestSeconds, double pendingReplies) {
    }
}
