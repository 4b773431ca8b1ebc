package com.sagaworks.testing;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SharedInfrastructureTest {

    @Test
    void givesEachCallerItsOwnDatabaseOnOneServer() throws Exception {
        String first = SharedPostgres.createDatabase("probe");
        String second = SharedPostgres.createDatabase("probe");
        assertThat(first).isNotEqualTo(second);
        try (Connection c = DriverManager.getConnection(first, SharedPostgres.USER, SharedPostgres.PASSWORD);
             ResultSet rs = c.createStatement().executeQuery("select current_setting('server_version_num')::int")) {
            rs.next();
            assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(150000);
        }
    }

    @Test
    void startsOneRealBroker() throws Exception {
        String bootstrap = SharedKafka.bootstrapServers();
        assertThat(SharedKafka.bootstrapServers()).isEqualTo(bootstrap);
        try (AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
    }
}
