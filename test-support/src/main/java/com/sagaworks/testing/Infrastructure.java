package com.sagaworks.testing;

/** One PostgreSQL server and one Kafka broker shared by every test of a JVM, started on first use. */
interface Infrastructure {

    /** Creates a fresh, empty database named {@code name} and returns its JDBC URL. */
    String createDatabase(String name);

    String jdbcUrl(String database);

    String kafkaBootstrapServers();
}
