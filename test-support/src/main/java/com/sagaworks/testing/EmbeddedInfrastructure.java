package com.sagaworks.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * zonky's packaged PostgreSQL binaries (a server process) and a KRaft broker inside this JVM. Each is started
 * on first use, separately, so a test that needs only one does not pay for the other, and stopped when the
 * JVM exits.
 */
final class EmbeddedInfrastructure implements Infrastructure {

    private EmbeddedPostgres postgres;
    private EmbeddedKafkaKraftBroker kafka;

    private synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
        }
        return postgres;
    }

    @Override
    public String createDatabase(String name) {
        try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return jdbcUrl(name);
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres().getPort() + "/" + database;
    }

    @Override
    public synchronized String kafkaBootstrapServers() {
        if (kafka == null) {
            EmbeddedKafkaKraftBroker b = new EmbeddedKafkaKraftBroker(1, 4);
            BrokerSettings.ALL.forEach(b::brokerProperty);
            b.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(b::destroy, "embedded-kafka-stop"));
            kafka = b;
        }
        return kafka.getBrokersAsString();
    }
}
