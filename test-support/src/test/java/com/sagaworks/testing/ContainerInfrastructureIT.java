package com.sagaworks.testing;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Docker path on its own, whatever this JVM selected; skipped (not failed) where no Docker engine answers. */
class ContainerInfrastructureIT {

    private static ContainerInfrastructure containers;

    @BeforeAll
    static void requireDocker() {
        assumeTrue(TestInfrastructure.dockerAvailable(), "no Docker engine: the Testcontainers path is not exercised here");
        containers = new ContainerInfrastructure();
    }

    @Test
    void runsThePinnedPostgresImageWithADatabasePerCaller() throws Exception {
        String url = containers.createDatabase("container_probe");
        try (Connection c = DriverManager.getConnection(url, SharedPostgres.USER, SharedPostgres.PASSWORD);
             ResultSet rs = c.createStatement().executeQuery("select current_setting('server_version_num')::int")) {
            rs.next();
            assertThat(rs.getInt(1) / 10000).isEqualTo(17);
        }
    }

    @Test
    void runsOneKraftBrokerWithoutTopicAutoCreation() throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, containers.kafkaBootstrapServers()))) {
            assertThat(admin.describeCluster().nodes().get(60, TimeUnit.SECONDS)).hasSize(1);
            String brokerId = admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).iterator().next().idString();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, brokerId);
            Config config = admin.describeConfigs(List.of(broker)).all().get(60, TimeUnit.SECONDS).get(broker);
            assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
        }
    }
}
