package com.sagaworks.messaging.config;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.kafka.listener.ContainerProperties;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessagingPropertiesTest {

    @Test
    void defaultsSuitAServiceInProduction() {
        MessagingProperties properties = bind(Map.of());

        assertThat(properties.relay()).isEqualTo(
                new MessagingProperties.Relay(true, 200, Duration.ofSeconds(2), Duration.ofSeconds(10)));
        assertThat(properties.consumer().enabled()).isTrue();
        assertThat(properties.consumer().groupId()).isNull();
        assertThat(properties.consumer().concurrency()).isEqualTo(1);
        assertThat(properties.consumer().batchSize()).isEqualTo(50);
        assertThat(properties.consumer().commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(properties.retry()).isEqualTo(
                new MessagingProperties.Retry(8, Duration.ofMillis(20), Duration.ofSeconds(2)));
        assertThat(properties.topics()).isEqualTo(new MessagingProperties.Topics(true, 4, (short) 1));
        assertThat(properties.retention()).isEqualTo(
                new MessagingProperties.Retention(true, Duration.ofDays(14), Duration.ofMinutes(10), 1000));
    }

    @Test
    void bindsRetentionSettings() {
        MessagingProperties properties = bind(Map.of(
                "sagaworks.messaging.retention.inbox", "2s",
                "sagaworks.messaging.retention.interval", "200ms",
                "sagaworks.messaging.retention.batch-size", "3",
                "sagaworks.messaging.retention.enabled", "false"));

        assertThat(properties.retention()).isEqualTo(
                new MessagingProperties.Retention(false, Duration.ofSeconds(2), Duration.ofMillis(200), 3));
    }

    @Test
    void refusesALeaseTooShortForASendToFitInside() {
        assertThatThrownBy(() -> bind(Map.of("sagaworks.messaging.relay.lease-ttl", "1s")))
                .isInstanceOf(BindException.class)
                .hasRootCauseMessage("sagaworks.messaging.relay.lease-ttl must be at least 2s: PT1S");
    }

    @Test
    void bindsKebabCaseSettings() {
        MessagingProperties properties = bind(Map.of(
                "sagaworks.messaging.relay.enabled", "false",
                "sagaworks.messaging.relay.poll-interval", "500ms",
                "sagaworks.messaging.consumer.group-id", "inventory",
                "sagaworks.messaging.retry.max-attempts", "3"));

        assertThat(properties.relay().enabled()).isFalse();
        assertThat(properties.relay().pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(properties.consumer().groupId()).isEqualTo("inventory");
        assertThat(properties.retry().maxAttempts()).isEqualTo(3);
    }

    @Test
    void refusesANonPositiveBatchSize() {
        assertThatThrownBy(() -> bind(Map.of("sagaworks.messaging.relay.batch-size", "0")))
                .isInstanceOf(BindException.class)
                .hasRootCauseMessage("sagaworks.messaging.relay.batch-size must be positive: 0");
    }

    @Test
    void commitsOffsetsEveryIntervalOrAfterEveryBatchWhenZero() {
        ContainerProperties everyBatch = new ContainerProperties("t");
        MessageConsumerAutoConfiguration.commitOffsetsEvery(
                bind(Map.of("sagaworks.messaging.consumer.commit-interval", "0s")).consumer().commitInterval(),
                everyBatch);
        ContainerProperties timed = new ContainerProperties("t");
        MessageConsumerAutoConfiguration.commitOffsetsEvery(bind(Map.of()).consumer().commitInterval(), timed);

        assertThat(everyBatch.getAckMode()).isEqualTo(ContainerProperties.AckMode.BATCH);
        assertThat(timed.getAckMode()).isEqualTo(ContainerProperties.AckMode.TIME);
        assertThat(timed.getAckTime()).isEqualTo(100);
        assertThatThrownBy(() -> bind(Map.of("sagaworks.messaging.consumer.commit-interval", "-1s")))
                .isInstanceOf(BindException.class)
                .hasRootCauseMessage("sagaworks.messaging.consumer.commit-interval must not be negative: PT-1S");
    }

    private static MessagingProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("sagaworks.messaging", MessagingProperties.class);
    }
}
