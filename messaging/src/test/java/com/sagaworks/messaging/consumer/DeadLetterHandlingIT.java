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
import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.sagaworks.messaging.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service taking the dead letters of a topic ({@code onDeadLetter}): each reaches its handler once, with the
 * original's headers, reason and value; a record that is no readable dead letter, or that the handler fails on, is
 * skipped without looping and without a dead letter of its own.
 */
@SpringBootTest(classes = {MessagingTestApplication.class, DeadLetterHandlingIT.Metrics.class}, properties = {
        "sagaworks.messaging.relay.poll-interval=500ms"})
@DirtiesContext
class DeadLetterHandlingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);
    private static final String DEAD_LETTER_TOPIC = Topics.deadLetterOf(Topics.INVENTORY_COMMANDS);

    private static KafkaTestClient kafka;

    @Autowired
    private TestHandlers handlers;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private JsonMapper json;
    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_dead_letters");
        String groupId = SharedKafka.newGroupStartingAtTheEnd("messaging-dlt-it");
        registry.add("sagaworks.messaging.consumer.group-id", () -> groupId);
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
    void outboxIsEmpty() {
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
    }

    @Test
    void aDeadLetteredCommandReachesTheDeadLetterHandlerOnceWithWhatItWas() {
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        handlers.behave(saga, new TestHandlers.FailPermanently("no such product"));
        KafkaTestClient.Probe deadLetters = kafka.probe(DEAD_LETTER_TOPIC);
        String value = json.writeValueAsString(reserve(saga));

        kafka.send(Topics.INVENTORY_COMMANDS, saga.toString(), value, headers(commandId, saga));

        await().atMost(TIMEOUT).until(() -> deadLetterEffects(saga), n -> n == 1);
        Map<String, Object> seen = jdbc.sql("SELECT * FROM dead_letter_effect WHERE saga_id = :saga")
                .param("saga", saga.value()).query().singleRow();
        ConsumerRecord<String, String> dead = await().atMost(TIMEOUT)
                .until(() -> deadLetters.records(r -> saga.toString().equals(r.key())), r -> r.size() == 1)
                .getFirst();
        assertThat(seen.get("source_topic")).isEqualTo(Topics.INVENTORY_COMMANDS);
        assertThat(seen.get("origin")).isEqualTo(header(dead, MessageHeaders.DEAD_LETTER_ORIGIN));
        assertThat(seen.get("dead_letter_id").toString()).isEqualTo(header(dead, DeadLetter.ID_HEADER));
        assertThat(seen.get("record_key")).isEqualTo(saga.toString());
        assertThat(seen.get("message_id")).isEqualTo(commandId);
        assertThat(seen.get("message_type")).isEqualTo("ReserveStock");
        assertThat(seen.get("reason")).isEqualTo("no such product");
        assertThat(seen.get("original_value")).isEqualTo(value);
        // The dead letter's own id is in the inbox, not the original's: the original was never handled here.
        assertThat(inboxRows(UUID.fromString(header(dead, DeadLetter.ID_HEADER)))).isEqualTo(1);
        assertThat(inboxRows(commandId)).isZero();
        assertThat(reservationEffects(saga)).isZero();
    }

    @Test
    void aDeadLetterDeliveredTwiceIsHandledOnce() {
        SagaId saga = SagaId.random();
        handlers.behave(saga, new TestHandlers.FailPermanently("no such product"));
        KafkaTestClient.Probe deadLetters = kafka.probe(DEAD_LETTER_TOPIC);
        kafka.send(Topics.INVENTORY_COMMANDS, saga.toString(), json.writeValueAsString(reserve(saga)),
                headers(UUID.randomUUID(), saga));
        ConsumerRecord<String, String> dead = await().atMost(TIMEOUT)
                .until(() -> deadLetters.records(r -> saga.toString().equals(r.key())), r -> r.size() == 1)
                .getFirst();
        await().atMost(TIMEOUT).until(() -> deadLetterEffects(saga), n -> n == 1);
        double duplicatesBefore = counter(MessagingMetrics.INBOX_DUPLICATES, "topic", DEAD_LETTER_TOPIC);

        // The relay publishing it again (a crash before its delete), then a marker behind it on the same key.
        kafka.send(DEAD_LETTER_TOPIC, dead.key(), dead.value(), headersOf(dead));
        SagaId marker = SagaId.random();
        handlers.behave(marker, new TestHandlers.FailPermanently("marker"));
        kafka.send(Topics.INVENTORY_COMMANDS, saga.toString(), json.writeValueAsString(reserve(marker)),
                headers(UUID.randomUUID(), marker));

        await().atMost(TIMEOUT).until(() -> deadLetterEffects(marker), n -> n == 1);
        assertThat(deadLetterEffects(saga)).isEqualTo(1);
        assertThat(handlers.deadLetterCalls(saga)).isEqualTo(1);
        // Counted once the batch committed, a moment after its rows became visible.
        await().atMost(TIMEOUT).until(() -> counter(MessagingMetrics.INBOX_DUPLICATES, "topic", DEAD_LETTER_TOPIC),
                n -> n >= duplicatesBefore + 1);
    }

    @Test
    void anUnreadableDeadLetterIsSkippedAndTheNextOneIsHandled() {
        SagaId saga = SagaId.random();
        SagaId next = SagaId.random();
        handlers.behave(next, new TestHandlers.FailPermanently("no such product"));
        double droppedBefore = counter(MessagingMetrics.DEAD_LETTERS_DROPPED, "topic", DEAD_LETTER_TOPIC,
                "reason", "unreadable");

        // Written by something other than the library: not our dead-letter format.
        kafka.send(DEAD_LETTER_TOPIC, saga.toString(), "not a dead letter", headers(UUID.randomUUID(), saga));
        kafka.send(DEAD_LETTER_TOPIC, saga.toString(), "{\"origin\": 42}", headers(UUID.randomUUID(), saga));
        kafka.send(Topics.INVENTORY_COMMANDS, saga.toString(), json.writeValueAsString(reserve(next)),
                headers(UUID.randomUUID(), next));

        await().atMost(TIMEOUT).until(() -> deadLetterEffects(next), n -> n == 1);
        assertThat(deadLetterEffects(saga)).isZero();
        await().atMost(TIMEOUT).until(() -> counter(MessagingMetrics.DEAD_LETTERS_DROPPED, "topic",
                DEAD_LETTER_TOPIC, "reason", "unreadable"), n -> n == droppedBefore + 2);
    }

    @Test
    void aFailingDeadLetterHandlerSkipsTheLetterWithoutDeadLetteringItAgain() {
        SagaId refused = SagaId.random();
        SagaId next = SagaId.random();
        handlers.behave(refused, new TestHandlers.FailPermanently("no such product"));
        handlers.behave(next, new TestHandlers.FailPermanently("no such product"));
        handlers.refuseDeadLettersOf(refused);
        KafkaTestClient.Probe deadLetters = kafka.probe(DEAD_LETTER_TOPIC);
        double droppedBefore = counter(MessagingMetrics.DEAD_LETTERS_DROPPED, "topic", DEAD_LETTER_TOPIC,
                "reason", "handler-failed");

        kafka.send(Topics.INVENTORY_COMMANDS, refused.toString(), json.writeValueAsString(reserve(refused)),
                headers(UUID.randomUUID(), refused));
        kafka.send(Topics.INVENTORY_COMMANDS, refused.toString(), json.writeValueAsString(reserve(next)),
                headers(UUID.randomUUID(), next));

        await().atMost(TIMEOUT).until(() -> deadLetterEffects(next), n -> n == 1);
        // twice: the batch ran without savepoints, met the failure, and ran again with them (and skipped it)
        assertThat(handlers.deadLetterCalls(refused)).isEqualTo(2);
        // Its write was rolled back with its savepoint, its id is not in the inbox, and nothing was queued for it.
        assertThat(deadLetterEffects(refused)).isZero();
        ConsumerRecord<String, String> dead = await().atMost(TIMEOUT).until(() -> deadLetters.records(
                r -> refused.toString().equals(header(r, MessageHeaders.SAGA_ID))), r -> r.size() == 1).getFirst();
        assertThat(inboxRows(UUID.fromString(header(dead, DeadLetter.ID_HEADER)))).isZero();
        await().atMost(TIMEOUT).until(() -> counter(MessagingMetrics.DEAD_LETTERS_DROPPED, "topic",
                DEAD_LETTER_TOPIC, "reason", "handler-failed"), n -> n == droppedBefore + 1);
        assertThat(outboxRowsOnTopic(Topics.deadLetterOf(DEAD_LETTER_TOPIC))).isZero();
    }

    private static Map<String, String> headers(UUID id, SagaId saga) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(MessageHeaders.MESSAGE_ID, id.toString());
        headers.put(MessageHeaders.MESSAGE_TYPE, "ReserveStock");
        headers.put(MessageHeaders.SAGA_ID, saga.toString());
        return headers;
    }

    private static Map<String, String> headersOf(ConsumerRecord<String, String> record) {
        Map<String, String> headers = new HashMap<>();
        record.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        return headers;
    }

    private static ReserveStock reserve(SagaId saga) {
        return new ReserveStock(saga, OrderId.random(), List.of(new OrderLine("SKU-1", 1)));
    }

    private double counter(String name, String... tags) {
        Counter counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private long deadLetterEffects(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM dead_letter_effect WHERE saga_id = :saga")
                .param("saga", saga.value()).query(Long.class).single();
    }

    private long reservationEffects(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM reservation_effect WHERE saga_id = :saga")
                .param("saga", saga.value()).query(Long.class).single();
    }

    private long inboxRows(UUID messageId) {
        return jdbc.sql("SELECT count(*) FROM messaging_inbox WHERE message_id = :id")
                .param("id", messageId).query(Long.class).single();
    }

    private long outboxRowsOnTopic(String topic) {
        return jdbc.sql("SELECT count(*) FROM messaging_outbox WHERE topic = :topic")
                .param("topic", topic).query(Long.class).single();
    }

    private long outboxSize() {
        return jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Long.class).single();
    }

    /** A registry, so the library's counters can be read. */
    @TestConfiguration
    static class Metrics {

        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
