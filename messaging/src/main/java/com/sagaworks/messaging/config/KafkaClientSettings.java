package com.sagaworks.messaging.config;

import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;

import java.util.HashMap;
import java.util.Map;

/** Client settings as Boot would give them to its own Kafka clients: {@code spring.kafka.*} plus connection details. */
final class KafkaClientSettings {

    private KafkaClientSettings() {
    }

    static Map<String, Object> of(Map<String, Object> fromProperties, KafkaConnectionDetails.Configuration connection) {
        Map<String, Object> config = new HashMap<>(fromProperties);
        // Connection details win over properties, as in Boot's own factories (a test container, for instance).
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, connection.getBootstrapServers());
        if (connection.getSecurityProtocol() != null) {
            config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, connection.getSecurityProtocol());
        }
        return config;
    }
}
