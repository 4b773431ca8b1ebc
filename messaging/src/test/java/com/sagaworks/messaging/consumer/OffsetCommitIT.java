package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.messaging.KafkaTestClient;
import com.sagaworks.messaging.MessagingTestApplication;
import com.sagaworks.messaging.TestHandlers;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Offsets are committed every commit interval, not after every batch, and what is pending is committed when the
 * consumer stops: a clean stop replays nothing. The interval here (an hour) is far longer than the test, so no
 * commit happens on time alone.
 */
@SpringBootTest(classes = MessagingTestApplication.class, properties = {
        "sagaworks.messaging.consumer.commit-interval=1h",
        "sagaworks.messaging.relay.poll-interval=500ms"})
@DirtiesContext
class OffsetCommitIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    private static String groupId;
    private static KafkaTestClient kafka;
    private static Admin admin;

    @Autowired
    private TestHandlers handlers;
    @Autowired
    private JsonMapper json;
    @Autowired
    private ConcurrentMessageListenerContainer<String, String> container;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_offsets");
        groupId = SharedKafka.newGroupStartingAtTheEnd("messaging-offsets-it");
        registry.add("sagaworks.messaging.consumer.group-id", () -> groupId);
    }

    @BeforeAll
    static void clients() {
        kafka = new KafkaTestClient(SharedKafka.bootstrapServers());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()));
    }

    @AfterAll
    static void closeClients() {
        kafka.close();
        admin.close();
    }

    @Test
    void commitsHandledOffsetsOnTheIntervalOrWhenStoppingNotAfterEachBatch() throws Exception {
        await().atMost(TIMEOUT).until(() -> !container.getAssignedPartitions().isEmpty());
        long committedBefore = committedOnCommandTopic();
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        List<SagaId> sagas = List.of(SagaId.random(), SagaId.random(), SagaId.random());

        for (SagaId saga : sagas) {
            ReserveStock command = new ReserveStock(saga, OrderId.random(), List.of(new OrderLine("SKU-1", 1)));
            kafka.send(Topics.INVENTORY_COMMANDS, saga.toString(), json.writeValueAsString(command), Map.of(
                    MessageHeaders.MESSAGE_ID, UUID.randomUUID().toString(),
                    MessageHeaders.MESSAGE_TYPE, "ReserveStock",
                    MessageHeaders.SAGA_ID, saga.toString()));
        }
        // The replies go out through the outbox, so their batches' transactions have committed.
        await().atMost(TIMEOUT).until(() -> sagas.stream()
                .allMatch(saga -> replies.recordsWithKey(saga.toString()).size() == 1));
        assertThat(sagas).allSatisfy(saga -> assertThat(handlers.commandCalls(saga)).isEqualTo(1));

        // After every batch, the offsets would be committed within milliseconds of it; on the interval, not at all.
        await().during(Duration.ofSeconds(2)).atMost(TIMEOUT)
                .until(OffsetCommitIT::committedOnCommandTopic, committed -> committed == committedBefore);

        container.stop();

        assertThat(committedOnCommandTopic()).as("sent when the consumer stopped").isEqualTo(committedBefore + 3);
    }

    /** The group's committed offsets summed over the partitions of the inventory command topic. */
    private static long committedOnCommandTopic() throws Exception {
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets = admin
                .listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.INVENTORY_COMMANDS))
                .map(Map.Entry::getValue)
                .filter(Objects::nonNull)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
    }
}
