package com.sagaworks.testing;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points a Spring Boot test at the shared PostgreSQL (a new database for the calling test class) and the
 * shared Kafka broker. Use from a {@code @DynamicPropertySource} method:
 *
 * <pre>{@code
 * @DynamicPropertySource
 * static void infrastructure(DynamicPropertyRegistry registry) {
 *     TestInfrastructure.register(registry, "inventory");
 * }
 * }</pre>
 */
public final class TestInfrastructure {

    private TestInfrastructure() {
    }

    public static void register(DynamicPropertyRegistry registry, String databasePrefix) {
        String url = SharedPostgres.createDatabase(databasePrefix);
        String bootstrap = SharedKafka.bootstrapServers();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> SharedPostgres.USER);
        registry.add("spring.datasource.password", () -> SharedPostgres.PASSWORD);
        registry.add("spring.kafka.bootstrap-servers", () -> bootstrap);
    }
}
