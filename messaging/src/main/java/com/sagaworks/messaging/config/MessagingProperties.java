package com.sagaworks.messaging.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Settings of the messaging library, under {@code sagaworks.messaging}. Every value has a default that suits
 * a service in production; tests typically switch the relay or the consumer off.
 */
@ConfigurationProperties("sagaworks.messaging")
public record MessagingProperties(@DefaultValue Relay relay,
                                  @DefaultValue Consumer consumer,
                                  @DefaultValue Retry retry,
                                  @DefaultValue Topics topics,
                                  @DefaultValue Retention retention) {

    /**
     * The outbox relay.
     *
     * @param enabled      publish outbox rows at all; off in tests that inspect the outbox instead
     * @param batchSize    rows read, sent and deleted per round
     * @param pollInterval longest wait between rounds when no NOTIFY arrives (the safety net)
     * @param leaseTtl     how long a relay keeps the publishing lease without renewing it; a standby takes
     *                     over at the latest this long after the leader died. At least 2s: the relay's producer
     *                     timeouts are cut to fit a round inside it (delivery timeout at most half of it)
     */
    public record Relay(@DefaultValue("true") boolean enabled,
                        @DefaultValue("200") int batchSize,
                        @DefaultValue("2s") Duration pollInterval,
                        @DefaultValue("10s") Duration leaseTtl) {

        public Relay {
            requirePositive("sagaworks.messaging.relay.batch-size", batchSize);
            requirePositive("sagaworks.messaging.relay.poll-interval", pollInterval);
            if (leaseTtl.compareTo(Duration.ofSeconds(2)) < 0) {
                throw new IllegalArgumentException("sagaworks.messaging.relay.lease-ttl must be at least 2s: "
                        + leaseTtl);
            }
        }
    }

    /**
     * The batch consumer, created only when the service declares a
     * {@link com.sagaworks.messaging.consumer.MessageHandlers} bean.
     *
     * @param enabled                consume at all; off in tests that call handlers directly
     * @param groupId                Kafka consumer group; defaults to {@code spring.application.name}
     * @param concurrency            listener threads (each one transaction at a time)
     * @param batchSize              records per poll, hence per transaction; at most 64 keeps every record's
     *                               savepoint inside PostgreSQL's per-transaction subtransaction cache
     * @param redeliveryInitialDelay first pause before a batch whose transaction kept failing is redelivered
     * @param redeliveryMaxDelay     longest pause between such redeliveries (they never stop)
     * @param commitInterval         how often the offsets of committed batches are committed to Kafka: after the
     *                               first batch once this long has passed since the last commit (and on a
     *                               rebalance or stop). Zero commits them after every batch. Records whose offsets
     *                               were not committed yet when a consumer dies are delivered again and dropped by
     *                               the inbox, so this trades a few redeliveries after a crash for one offset
     *                               commit (a blocking round trip to the group coordinator) per interval instead
     *                               of one per batch, which at low rates is one per message
     */
    public record Consumer(@DefaultValue("true") boolean enabled,
                           String groupId,
                           @DefaultValue("1") int concurrency,
                           @DefaultValue("50") int batchSize,
                           @DefaultValue("1s") Duration redeliveryInitialDelay,
                           @DefaultValue("1m") Duration redeliveryMaxDelay,
                           @DefaultValue("100ms") Duration commitInterval) {

        public Consumer {
            requirePositive("sagaworks.messaging.consumer.concurrency", concurrency);
            requirePositive("sagaworks.messaging.consumer.batch-size", batchSize);
            requirePositive("sagaworks.messaging.consumer.redelivery-initial-delay", redeliveryInitialDelay);
            requirePositive("sagaworks.messaging.consumer.redelivery-max-delay", redeliveryMaxDelay);
            requireNotNegative("sagaworks.messaging.consumer.commit-interval", commitInterval);
        }
    }

    /**
     * Retry of a whole transaction after a transient database error.
     *
     * @param maxAttempts  attempts in total, the first one included
     * @param initialDelay pause before the first retry; doubles each time, with jitter
     * @param maxDelay     longest pause between two attempts
     */
    public record Retry(@DefaultValue("8") int maxAttempts,
                        @DefaultValue("20ms") Duration initialDelay,
                        @DefaultValue("2s") Duration maxDelay) {

        public Retry {
            requirePositive("sagaworks.messaging.retry.max-attempts", maxAttempts);
            requirePositive("sagaworks.messaging.retry.initial-delay", initialDelay);
            if (maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException(
                        "sagaworks.messaging.retry.max-delay must not be shorter than initial-delay");
            }
        }
    }

    /**
     * Topic declaration through Spring Kafka's {@code KafkaAdmin}: every catalogued topic and its dead-letter
     * topic.
     *
     * @param create            declare the topics at startup
     * @param partitions        partitions of each topic
     * @param replicationFactor replicas of each partition
     */
    public record Topics(@DefaultValue("true") boolean create,
                         @DefaultValue("4") int partitions,
                         @DefaultValue("1") short replicationFactor) {

        public Topics {
            requirePositive("sagaworks.messaging.topics.partitions", partitions);
            requirePositive("sagaworks.messaging.topics.replication-factor", replicationFactor);
        }
    }

    /**
     * Cleanup of the inbox. The outbox needs none: the relay deletes each row once the broker acknowledged it.
     *
     * @param enabled   run the job at all
     * @param inbox     how long a handled message id is kept; a duplicate arriving later is handled again, so this
     *                  must outlast any redelivery. Rows waiting for a deferred reply are kept whatever their age
     * @param interval  pause between two runs
     * @param batchSize most rows one DELETE removes (each commits on its own, so locks stay short)
     */
    public record Retention(@DefaultValue("true") boolean enabled,
                            @DefaultValue("14d") Duration inbox,
                            @DefaultValue("10m") Duration interval,
                            @DefaultValue("1000") int batchSize) {

        public Retention {
            requirePositive("sagaworks.messaging.retention.inbox", inbox);
            requirePositive("sagaworks.messaging.retention.interval", interval);
            requirePositive("sagaworks.messaging.retention.batch-size", batchSize);
        }
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void requireNotNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }
}
