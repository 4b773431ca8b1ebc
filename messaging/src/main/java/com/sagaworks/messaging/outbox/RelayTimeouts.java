package com.sagaworks.messaging.outbox;

import org.apache.kafka.clients.producer.ProducerConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How long one relay round may take, derived from the lease TTL, and the producer timeouts that keep every send
 * inside it. The round starts just before the lease is renewed, so the lease runs at least a TTL from then:
 * <ul>
 *     <li>sends start only within {@link #sendWindow()} (TTL/8), after which the rest waits for the next round;</li>
 *     <li>one {@code send()} blocks at most {@code max.block.ms} (≤ TTL/8) for metadata or buffer space;</li>
 *     <li>each record is acknowledged or failed within {@code delivery.timeout.ms} (≤ TTL/2) of its
 *     {@code send()} returning; {@code request.timeout.ms} is cut to fit under it, as Kafka requires.</li>
 * </ul>
 * So every send of a round is over within 3/4 of the TTL ({@link #roundBudget()}), and a standby, which may take
 * the lease only once it expired, never publishes while this round still has records in flight.
 */
final class RelayTimeouts {

    static final Duration SHORTEST_LEASE_TTL = Duration.ofSeconds(2);

    /** Kafka's defaults, used when the configuration does not set a value. */
    private static final long DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;
    private static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
    private static final long DEFAULT_MAX_BLOCK_MS = 60_000;
    private static final long DEFAULT_LINGER_MS = 5;

    private final Duration sendWindow;
    private final Duration roundBudget;
    private final Map<String, Object> producerBounds;

    private RelayTimeouts(Duration sendWindow, Duration roundBudget, Map<String, Object> producerBounds) {
        this.sendWindow = sendWindow;
        this.roundBudget = roundBudget;
        this.producerBounds = Map.copyOf(producerBounds);
    }

    /**
     * @param producerConfig the producer's configuration; a shorter timeout set there is kept
     * @throws IllegalArgumentException if the TTL is shorter than {@link #SHORTEST_LEASE_TTL}
     */
    static RelayTimeouts of(Duration leaseTtl, Map<String, Object> producerConfig) {
        if (leaseTtl.compareTo(SHORTEST_LEASE_TTL) < 0) {
            throw new IllegalArgumentException("the relay lease TTL must be at least " + SHORTEST_LEASE_TTL
                    + " so that a send fits inside it: " + leaseTtl);
        }
        long ttl = leaseTtl.toMillis();
        long linger = millis(producerConfig, ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        long delivery = Math.min(millis(producerConfig, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                DEFAULT_DELIVERY_TIMEOUT_MS), ttl / 2);
        long request = Math.min(millis(producerConfig, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                DEFAULT_REQUEST_TIMEOUT_MS), delivery - linger);
        if (request < 100) {
            throw new IllegalArgumentException("linger.ms " + linger + " leaves no time for a request within the "
                    + "delivery timeout of " + delivery + " ms the lease TTL " + leaseTtl + " allows");
        }
        long maxBlock = Math.min(millis(producerConfig, ProducerConfig.MAX_BLOCK_MS_CONFIG, DEFAULT_MAX_BLOCK_MS),
                ttl / 8);
        Map<String, Object> bounds = new HashMap<>();
        bounds.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
        bounds.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) request);
        bounds.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock);
        Duration sendWindow = Duration.ofMillis(ttl / 8);
        return new RelayTimeouts(sendWindow, sendWindow.plusMillis(maxBlock).plusMillis(delivery), bounds);
    }

    /** After the lease renewal, how long new sends may start. */
    Duration sendWindow() {
        return sendWindow;
    }

    /** After the lease renewal, when every send of the round has an outcome: at most 3/4 of the TTL. */
    Duration roundBudget() {
        return roundBudget;
    }

    /** {@code delivery.timeout.ms}, {@code request.timeout.ms} and {@code max.block.ms} for the producer. */
    Map<String, Object> producerBounds() {
        return producerBounds;
    }

    private static long millis(Map<String, Object> config, String name, long defaultValue) {
        Object value = config.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number number) {
            return number.longValue();
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("producer setting " + name + " is not a number of milliseconds: "
                    + value, e);
        }
    }
}
