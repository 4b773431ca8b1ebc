package com.sagaworks.messaging.outbox;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.messaging.FaultInjectingDataSource;
import com.sagaworks.messaging.KafkaTestClient;
import com.sagaworks.messaging.MessagingTestApplication;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several relays on one database: the lease lets exactly one publish, and another takes over when the holder
 * stops or its lease runs out.
 */
@SpringBootTest(classes = MessagingTestApplication.class, properties = {
        "sagaworks.messaging.consumer.enabled=false",
        "sagaworks.messaging.relay.poll-interval=200ms",
        "sagaworks.messaging.relay.lease-ttl=3s"})
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayLeaseIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MESSAGES = 20;

    private static KafkaTestClient kafka;

    /** The relay the application started. */
    @Autowired
    private OutboxRelay contextRelay;
    @Autowired
    private Outbox outbox;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private JsonMapper json;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TransactionTemplate transactions;

    private final List<OutboxRelay> extraRelays = new ArrayList<>();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_lease");
    }

    @BeforeAll
    static void clients() {
        kafka = new KafkaTestClient(SharedKafka.bootstrapServers());
    }

    @AfterAll
    static void closeClients() {
        kafka.close();
    }

    @AfterEach
    void stopExtraRelays() throws Exception {
        for (OutboxRelay relay : extraRelays) {
            relay.destroy();
        }
        assertThat(outboxSize()).isZero();
    }

    @Test
    @Order(1)
    void onlyTheLeaseHolderPublishesWhileAnotherRelayStandsBy() {
        await().atMost(TIMEOUT).until(contextRelay::isLeader);
        OutboxRelay standby = startRelay(Duration.ofSeconds(3));
        long publishedBefore = contextRelay.publishedCount();

        SagaId saga = writeMessages();

        awaitPublished(saga);
        assertThat(contextRelay.publishedCount() - publishedBefore).isEqualTo(MESSAGES);
        assertThat(standby.publishedCount()).isZero();
        assertThat(standby.isLeader()).isFalse();
        assertThat(leaseRows()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aStandbyTakesOverWhenTheHolderStops() {
        OutboxRelay standby = startRelay(Duration.ofSeconds(3));
        await().atMost(TIMEOUT).until(contextRelay::isLeader);

        contextRelay.stop();
        long stoppedAt = contextRelay.publishedCount();
        SagaId saga = writeMessages();

        awaitPublished(saga);
        assertThat(standby.publishedCount()).isEqualTo(MESSAGES);
        assertThat(contextRelay.publishedCount()).isEqualTo(stoppedAt);
    }

    @Test
    @Order(3)
    void aCrashedHoldersLeaseIsTakenOverOnlyAfterItExpires() {
        // A holder that died without releasing: its lease row still runs for a few seconds.
        contextRelay.stop();
        jdbc.sql("""
                        INSERT INTO messaging_relay_lease (name, owner, expires_at)
                        VALUES (:name, 'crashed-relay', now() + interval '4 seconds')
                        ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
                        """)
                .param("name", RelayLease.NAME)
                .update();
        OutboxRelay successor = startRelay(Duration.ofSeconds(3));
        SagaId saga = writeMessages();

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> !successor.isLeader() && outboxSize() == MESSAGES);
        awaitPublished(saga);
        assertThat(successor.publishedCount()).isEqualTo(MESSAGES);
        assertThat(leaseOwner()).isNotEqualTo("crashed-relay");
    }

    /**
     * A round that outlived its lease (in production only through a long pause, the producer timeouts forbid it
     * otherwise): another relay took the lease while the records were out. Before deleting, the relay sees that
     * the lease is no longer its own, deletes nothing and stands by; the new holder publishes the rows again.
     */
    @Test
    @Order(4)
    void aRelayThatFindsItsLeaseTakenBeforeDeletingLeavesTheRowsToTheNewHolder() {
        contextRelay.stop();
        FaultInjectingDataSource faults = new FaultInjectingDataSource(dataSource);
        OutboxRelay relay = startRelay(faults.dataSource(), Duration.ofSeconds(3));
        await().atMost(TIMEOUT).until(relay::isLeader);
        KafkaTestClient.Probe commands = kafka.probe(Topics.INVENTORY_COMMANDS);
        faults.arm("FROM messaging_relay_lease", sql -> jdbc.sql("""
                        UPDATE messaging_relay_lease
                           SET owner = 'usurper', expires_at = now() + interval '1 hour'
                         WHERE name = :name
                        """)
                .param("name", RelayLease.NAME)
                .update());

        SagaId saga = writeMessages();

        await().atMost(TIMEOUT).until(() -> commands.recordsWithKey(saga.toString()), r -> r.size() == MESSAGES);
        await().atMost(TIMEOUT).until(() -> !relay.isLeader());
        assertThat(faults.allStruck()).isTrue();
        assertThat(outboxSize()).isEqualTo(MESSAGES);
        assertThat(relay.publishedCount()).isZero();

        // The usurper goes away without publishing; once its lease expires the relay takes over again.
        jdbc.sql("UPDATE messaging_relay_lease SET expires_at = now() WHERE owner = 'usurper'").update();

        await().atMost(TIMEOUT).until(() -> commands.recordsWithKey(saga.toString()), r -> r.size() == 2 * MESSAGES);
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
        Map<String, Long> copiesById = commands.recordsWithKey(saga.toString()).stream()
                .collect(Collectors.groupingBy(r -> KafkaTestClient.header(r, MessageHeaders.MESSAGE_ID),
                        Collectors.counting()));
        assertThat(copiesById).hasSize(MESSAGES).allSatisfy((id, copies) -> assertThat(copies).isEqualTo(2));
        assertThat(relay.publishedCount()).isEqualTo(MESSAGES);
    }

    private OutboxRelay startRelay(Duration leaseTtl) {
        return startRelay(dataSource, leaseTtl);
    }

    private OutboxRelay startRelay(DataSource dataSource, Duration leaseTtl) {
        DefaultKafkaProducerFactory<String, String> producers = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"));
        OutboxRelay relay = new OutboxRelay(dataSource, json, producers, 200, Duration.ofMillis(200), leaseTtl);
        extraRelays.add(relay);
        relay.start();
        return relay;
    }

    private SagaId writeMessages() {
        SagaId saga = SagaId.random();
        transactions.executeWithoutResult(status -> {
            for (int i = 0; i < MESSAGES; i++) {
                outbox.send(new ReserveStock(saga, OrderId.random(), List.of(new OrderLine("SKU-1", 1))));
            }
        });
        return saga;
    }

    private void awaitPublished(SagaId saga) {
        KafkaTestClient.Probe commands = kafka.probe(Topics.INVENTORY_COMMANDS);
        await().atMost(TIMEOUT).until(() -> commands.recordsWithKey(saga.toString()), r -> r.size() == MESSAGES);
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
    }

    private long outboxSize() {
        return jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Long.class).single();
    }

    private long leaseRows() {
        return jdbc.sql("SELECT count(*) FROM messaging_relay_lease").query(Long.class).single();
    }

    private String leaseOwner() {
        return jdbc.sql("SELECT owner FROM messaging_relay_lease").query(String.class).single();
    }
}
