package com.sagaworks.messaging.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class MessagingMetricsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MessagingMetrics metrics = new MessagingMetrics(meters);

    @Test
    void tagsPublicationsByTopicAndTimesTheirLag() {
        metrics.published("inventory.commands", Duration.ofMillis(30));
        metrics.published("inventory.commands", Duration.ofMillis(10));
        metrics.published("payment.commands", Duration.ofMillis(-5));

        assertThat(meters.get(MessagingMetrics.RELAY_PUBLISHED).tag("topic", "inventory.commands").counter().count())
                .isEqualTo(2);
        assertThat(meters.get(MessagingMetrics.RELAY_PUBLISH_LAG).tag("topic", "inventory.commands").timer()
                .max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(30);
        // A clock step backwards must not record a negative lag.
        assertThat(meters.get(MessagingMetrics.RELAY_PUBLISH_LAG).tag("topic", "payment.commands").timer()
                .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isZero();
    }

    @Test
    void keepsTagsBounded() {
        metrics.transientRetry(null);
        metrics.transientRetry("40001");
        metrics.deadLetterDropped("inventory.commands.DLT", "unreadable");
        metrics.deadLetterDropped("inventory.commands.DLT", "unreadable");
        metrics.batch(Duration.ofMillis(3), true);
        metrics.batch(Duration.ofMillis(3), false);

        assertThat(meters.get(MessagingMetrics.TRANSIENT_RETRIES).tag("sqlstate", "none").counter().count())
                .isEqualTo(1);
        assertThat(meters.get(MessagingMetrics.DEAD_LETTERS_DROPPED).tags("topic", "inventory.commands.DLT",
                "reason", "unreadable").counter().count()).isEqualTo(2);
        assertThat(meters.get(MessagingMetrics.CONSUMER_BATCH).timers()).hasSize(2);
    }

    @Test
    void recordsNothingWithoutARegistry() {
        MessagingMetrics none = MessagingMetrics.none();

        none.published("inventory.commands", Duration.ofMillis(1));
        none.duplicate("inventory.commands");

        assertThat(none.registry().find(MessagingMetrics.RELAY_PUBLISHED).counter().count()).isZero();
    }
}
