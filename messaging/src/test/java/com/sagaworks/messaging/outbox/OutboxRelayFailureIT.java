package com.sagaworks.messaging.outbox;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.messaging.KafkaTestClient;
import com.sagaworks.messaging.MessagingTestApplication;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static com.sagaworks.messaging.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A send that fails keeps its row and every later row of its key for the next round, while other keys go on.
 * The failure here is a topic that does not exist yet (the broker does not auto-create topics).
 */
@SpringBootTest(classes = MessagingTestApplication.class, properties = {
        "sagaworks.messaging.consumer.enabled=false",
        "sagaworks.messaging.relay.poll-interval=200ms",
        "spring.kafka.producer.properties.max.block.ms=1000"})
@DirtiesContext
class OutboxRelayFailureIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    private static KafkaTestClient kafka;

    @Autowired
    private Outbox outbox;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TransactionTemplate transactions;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_relay_failure");
    }

    @BeforeAll
    static void clients() {
        kafka = new KafkaTestClient(SharedKafka.bootstrapServers());
    }

    @AfterAll
    static void closeClients() {
        kafka.close();
    }

    @Test
    void aFailedSendHoldsLaterRowsOfItsKeyUntilItSucceedsWhileOtherKeysGoOn() throws Exception {
        SagaId blocked = SagaId.random();
        SagaId free = SagaId.random();
        String missingTopic = "relay-test.missing-" + UUID.randomUUID();
        UUID stuckId = UUID.randomUUID();
        KafkaTestClient.Probe commands = kafka.probe(Topics.INVENTORY_COMMANDS);

        UUID heldId = transactions.execute(status -> {
            // A row for a topic that does not exist, then a row of the same key, then one of another key.
            jdbc.sql("""
                            INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
                            VALUES (:id, :topic, 'saga', :key, 'Probe', '{}', CAST(:headers AS jsonb))
                            """)
                    .param("id", stuckId)
                    .param("topic", missingTopic)
                    .param("key", blocked.toString())
                    .param("headers", "{\"message-id\": \"" + stuckId + "\"}")
                    .update();
            UUID held = outbox.send(reserve(blocked));
            outbox.send(reserve(free));
            return held;
        });

        await().atMost(TIMEOUT).until(() -> commands.recordsWithKey(free.toString()), r -> r.size() == 1);
        await().atMost(TIMEOUT).until(this::outboxIds, ids -> ids.equals(Set.of(stuckId, heldId)));

        try (AdminClient admin = AdminClient.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(missingTopic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        KafkaTestClient.Probe recovered = kafka.probe(missingTopic);

        await().atMost(TIMEOUT).until(this::outboxIds, Set::isEmpty);
        assertThat(recovered.recordsWithKey(blocked.toString()))
                .extracting(r -> header(r, MessageHeaders.MESSAGE_ID)).containsExactly(stuckId.toString());
        // The held row may have gone out in failed rounds as well; what matters is that it went out again after
        // the row before it, and that consumers can drop the earlier copies by message id.
        assertThat(commands.recordsWithKey(blocked.toString()))
                .extracting(r -> header(r, MessageHeaders.MESSAGE_ID)).isNotEmpty().containsOnly(heldId.toString());
    }

    private static ReserveStock reserve(SagaId saga) {
        return new ReserveStock(saga, OrderId.random(), List.of(new OrderLine("SKU-1", 1)));
    }

    private Set<UUID> outboxIds() {
        return Set.copyOf(jdbc.sql("SELECT id FROM messaging_outbox").query(UUID.class).list());
    }
}
