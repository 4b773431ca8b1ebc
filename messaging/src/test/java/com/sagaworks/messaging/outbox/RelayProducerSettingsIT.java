package com.sagaworks.messaging.outbox;

import com.sagaworks.messaging.MessagingTestApplication;
import com.sagaworks.testing.TestInfrastructure;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's producer as the auto-configuration builds it: no loss and per-key order (idempotent, acks=all), and no
 * linger, since a round appends all its rows before it waits and a linger would only delay every hop.
 */
@SpringBootTest(classes = MessagingTestApplication.class, properties = "sagaworks.messaging.consumer.enabled=false")
@DirtiesContext
class RelayProducerSettingsIT {

    @Autowired
    private OutboxRelay relay;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_relay_settings");
    }

    @Test
    void publishesIdempotentlyWithAcksFromAllReplicasAndWithoutLinger() {
        assertThat(relay.producerConfiguration())
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0);
    }
}
