package com.sagaworks.messaging.config;

import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.messaging.outbox.OutboxRelay;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.util.Map;

/**
 * The outbox relay, unless {@code sagaworks.messaging.relay.enabled=false}. Its producer is its own (not a
 * bean, so the service keeps Boot's {@code KafkaTemplate}), configured from {@code spring.kafka.producer.*} with
 * String serializers, idempotence and {@code acks=all} forced; the relay itself cuts the producer's timeouts to fit
 * inside its lease.
 */
@AutoConfiguration(after = {MessagingAutoConfiguration.class, KafkaAutoConfiguration.class})
@ConditionalOnBean(MessagingSchema.class)
@ConditionalOnProperty(prefix = "sagaworks.messaging.relay", name = "enabled", havingValue = "true",
        matchIfMissing = true)
public class OutboxRelayAutoConfiguration {

    /** Takes {@link MessagingSchema} so that the outbox table exists before the relay reads it. */
    @Bean
    OutboxRelay outboxRelay(DataSource dataSource, JsonMapper json, KafkaProperties kafkaProperties,
                            KafkaConnectionDetails connectionDetails, MessagingProperties properties,
                            MessagingSchema schema, MessagingMetrics metrics) {
        Map<String, Object> config =
                KafkaClientSettings.of(kafkaProperties.buildProducerProperties(), connectionDetails.getProducer());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        // Set here, not left to defaults or properties: no loss and per-key order depend on them.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay");
        // A round appends all its rows and then waits for their acknowledgements, so lingering batches nothing more;
        // Kafka's default (5 ms since 4.0) would only delay every round, hence every hop of a saga. Settable.
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        MessagingProperties.Relay relay = properties.relay();
        return new OutboxRelay(dataSource, json, new DefaultKafkaProducerFactory<>(config), relay.batchSize(),
                relay.pollInterval(), relay.leaseTtl(), metrics);
    }
}
