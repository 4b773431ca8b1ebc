package com.sagaworks.order.placement;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Refuses placements while too many orders are in flight, so that overload is answered at once with {@code 503}
 * and {@code Retry-After} instead of by a backlog that grows until clients time out (the web layer's
 * {@code PlacementAdmissionFilter} asks before anything else runs for the request). Past its limit the stack
 * keeps completing sagas at the rate it can, with the latency of a bounded queue, and a client learns in
 * milliseconds that it should come back, rather than after its connect or read timeout.
 *
 * <p>"In flight" is counted in the database, so it covers every instance and survives restarts: the orders
 * placed within {@link AdmissionProperties#window()} that are still PENDING, counted up to the limit. The count
 * is taken again by the first placement after {@link AdmissionProperties#refreshInterval()} (never while no
 * orders arrive) and is shared by all requests meanwhile, so the limit may be passed by what arrives in one
 * interval.
 */
@Component
public class PlacementAdmission {

    private static final Logger log = LoggerFactory.getLogger(PlacementAdmission.class);

    private static final String IN_FLIGHT = """
            SELECT count(*) FROM (
                SELECT 1 FROM orders
                 WHERE status = 'PENDING' AND created_at > now() - make_interval(secs => :windowSeconds)
                 LIMIT :cap) AS in_flight
            """;

    private final JdbcClient jdbc;
    private final AdmissionProperties properties;
    private final Counter refused;
    private final AtomicBoolean counting = new AtomicBoolean();
    private volatile Count last;

    PlacementAdmission(JdbcClient jdbc, AdmissionProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.refused = Counter.builder("sagaworks.orders.placements.refused")
                .description("Placements refused with 503 because too many orders were in flight")
                .tag("reason", "overloaded")
                .register(meters);
        Gauge.builder("sagaworks.orders.in.flight", this, admission -> {
                    Count count = admission.last;
                    return count == null ? 0 : count.orders();
                })
                .description("Orders placed within the admission window and still PENDING, as last counted"
                        + " (up to the limit + 1)")
                .register(meters);
    }

    /**
     * Whether a placement may go ahead; a refusal is counted, and the caller answers it without creating anything.
     */
    public boolean admits() {
        if (!properties.enabled()) {
            return true;
        }
        long inFlight = inFlight();
        if (inFlight < properties.maxInFlight()) {
            return true;
        }
        refused.increment();
        log.debug("placement refused: {} orders in flight (limit {})", inFlight, properties.maxInFlight());
        return false;
    }

    /** The {@code Retry-After} of a refusal, in seconds. */
    public long retryAfterSeconds() {
        return properties.retryAfterSeconds();
    }

    /** The last count, taken again when older than the refresh interval and no other request is taking it. */
    private long inFlight() {
        Count current = last;
        long now = System.nanoTime();
        boolean stale = current == null || now - current.takenAt() >= properties.refreshInterval().toNanos();
        if (stale && counting.compareAndSet(false, true)) {
            try {
                Count fresh;
                try {
                    fresh = new Count(count(properties.window(), properties.maxInFlight() + 1), System.nanoTime());
                } catch (DataAccessException e) {
                    // The placement itself meets the same database and answers for it (503 temporarily-unavailable,
                    // logged there); admission keeps its last count and tries again an interval later rather than
                    // make every request wait for a connection twice.
                    log.warn("could not count the orders in flight, keeping the last count: {}", e.toString());
                    fresh = new Count(current == null ? 0 : current.orders(), System.nanoTime());
                }
                last = fresh;
                current = fresh;
            } finally {
                counting.set(false);
            }
        }
        // Only before the very first count has finished (another request taking it) is nothing known yet.
        return current == null ? 0 : current.orders();
    }

    /** The orders placed within {@code window} that are still PENDING, counted up to {@code cap}. */
    long count(Duration window, int cap) {
        return jdbc.sql(IN_FLIGHT)
                .param("windowSeconds", window.toNanos() / 1e9)
                .param("cap", cap)
                .query(Long.class)
                .single();
    }

    private record Count(long orders, long takenAt) {
    }
}
