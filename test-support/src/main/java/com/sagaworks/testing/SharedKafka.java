package com.sagaworks.testing;

/**
 * One real Kafka broker (KRaft) per test JVM (see {@link TestInfrastructure} for which one), started on first
 * use and stopped when the JVM exits. Topics are created by the services themselves, as in production.
 */
public final class SharedKafka {

    private SharedKafka() {
    }

    public static String bootstrapServers() {
        return TestInfrastructure.shared().kafkaBootstrapServers();
    }
}
