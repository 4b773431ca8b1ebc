package com.sagaworks.testing;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real Kafka broker (KRaft, in this JVM) per test JVM, started on first use and stopped when the JVM
 * exits. Topics are created by the services themselves, as in production.
 */
public final class SharedKafka {

    private static EmbeddedKafkaKraftBroker broker;

    private SharedKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            EmbeddedKafkaKraftBroker b = new EmbeddedKafkaKraftBroker(1, 4);
            b.brokerProperty("auto.create.topics.enable", "false");
            b.brokerProperty("group.initial.rebalance.delay.ms", "0");
            b.brokerProperty("offsets.topic.num.partitions", "4");
            b.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(b::destroy, "embedded-kafka-stop"));
            broker = b;
        }
        return broker.getBrokersAsString();
    }
}
