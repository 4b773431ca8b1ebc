package com.sagaworks.messaging;

import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.messaging.outbox.OutboxRelay;
import com.sagaworks.testing.SharedKafka;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Relays a test starts by hand (beside, or instead of, the application's), all destroyed by {@link #close}. */
public final class TestRelays implements AutoCloseable {

    private final JsonMapper json;
    private final MessagingMetrics metrics;
    private final List<OutboxRelay> started = new ArrayList<>();

    public TestRelays(JsonMapper json, MessagingMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    /** A relay on {@code dataSource} with the shared broker, a 200 ms poll interval and a 3 s lease, started. */
    public OutboxRelay start(DataSource dataSource) {
        DefaultKafkaProducerFactory<String, String> producers = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"));
        OutboxRelay relay = new OutboxRelay(dataSource, json, producers, 200, Duration.ofMillis(200),
                Duration.ofSeconds(3), metrics);
        started.add(relay);
        relay.start();
        return relay;
    }

    @Override
    public void close() throws Exception {
        for (OutboxRelay relay : started) {
            relay.destroy();
        }
        started.clear();
    }
}
