package com.sagaworks.testing;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The same PostgreSQL and Kafka as docker-compose.yml runs, as containers of the pinned images. Each starts on
 * first use; Testcontainers' reaper removes them when the JVM exits.
 */
final class ContainerInfrastructure implements Infrastructure {

    /** Pinned to the images of docker-compose.yml, so tests and the Docker stack run the same servers. */
    static final String POSTGRES_IMAGE = "postgres:17.6";
    static final String KAFKA_IMAGE = "apache/kafka:4.1.0";

    private PostgreSQLContainer postgres;
    private KafkaContainer kafka;

    private synchronized PostgreSQLContainer postgres() {
        if (postgres == null) {
            PostgreSQLContainer container = new PostgreSQLContainer(POSTGRES_IMAGE)
                    .withUsername(SharedPostgres.USER)
                    .withPassword(SharedPostgres.PASSWORD)
                    .withDatabaseName("postgres")
                    // the same server settings as the embedded server: many test contexts, durability not needed
                    .withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off");
            container.start();
            postgres = container;
        }
        return postgres;
    }

    @Override
    public String createDatabase(String name) {
        PostgreSQLContainer container = postgres();
        try (Connection c = DriverManager.getConnection(container.getJdbcUrl(), SharedPostgres.USER, SharedPostgres.PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " in the " + POSTGRES_IMAGE + " container", e);
        }
        return jdbcUrl(name);
    }

    @Override
    public String jdbcUrl(String database) {
        PostgreSQLContainer container = postgres();
        return "jdbc:postgresql://" + container.getHost() + ":" + container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT)
                + "/" + database;
    }

    @Override
    public synchronized String kafkaBootstrapServers() {
        if (kafka == null) {
            KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
            // the apache/kafka image turns KAFKA_SOME_SETTING into some.setting
            BrokerSettings.ALL.forEach((key, value) ->
                    container.withEnv("KAFKA_" + key.replace('.', '_').toUpperCase(Locale.ROOT), value));
            container.start();
            kafka = container;
        }
        return kafka.getBootstrapServers();
    }
}
