package com.sagaworks.messaging.outbox;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RelayTimeoutsTest {

    @Test
    void fitsEverySendOfARoundIntoThreeQuartersOfTheLease() {
        RelayTimeouts timeouts = RelayTimeouts.of(Duration.ofSeconds(10), Map.of());

        assertThat(timeouts.producerBounds()).containsExactlyInAnyOrderEntriesOf(Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_995,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_250L));
        assertThat(timeouts.sendWindow()).isEqualTo(Duration.ofMillis(1_250));
        assertThat(timeouts.roundBudget()).isEqualTo(Duration.ofMillis(7_500));
    }

    @Test
    void keepsShorterTimeoutsTheServiceSetAndLeavesRoomForLinger() {
        RelayTimeouts timeouts = RelayTimeouts.of(Duration.ofSeconds(10), Map.of(
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000,
                ProducerConfig.LINGER_MS_CONFIG, "20"));

        assertThat(timeouts.producerBounds()).containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000)
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000L);
        assertThat(RelayTimeouts.of(Duration.ofSeconds(10), Map.of(ProducerConfig.LINGER_MS_CONFIG, 100))
                .producerBounds()).containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_900);
    }

    @Test
    void refusesALeaseTooShortForASend() {
        assertThatThrownBy(() -> RelayTimeouts.of(Duration.ofMillis(1500), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RelayTimeouts.of(Duration.ofSeconds(2), Map.of(ProducerConfig.LINGER_MS_CONFIG, 950)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRelayBoundsTheProducerItIsGiven() {
        DefaultKafkaProducerFactory<String, String> producers = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));

        // Never started: nothing connects to the database or the broker.
        new OutboxRelay(new DriverManagerDataSource(), JsonMapper.builder().build(), producers, 10,
                Duration.ofSeconds(1), Duration.ofSeconds(4));

        assertThat(producers.getConfigurationProperties())
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2_000)
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_995)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500L);
    }
}
