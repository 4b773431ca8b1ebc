package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.inventory.ReleaseStock;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.messaging.KafkaTestClient;
import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.messaging.MessagingTestApplication;
import com.sagaworks.messaging.TestHandlers;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static com.sagaworks.messaging.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The batch consumer end to end: Kafka in, inbox and handler in one transaction, replies and dead letters out
 * through the outbox and the relay.
 */
@SpringBootTest(classes = {MessagingTestApplication.class, BatchConsumerIT.Metrics.class}, properties = {
        "sagaworks.messaging.relay.poll-interval=500ms",
        "sagaworks.messaging.retry.max-attempts=3",
        "sagaworks.messaging.retry.initial-delay=10ms",
        "sagaworks.messaging.retry.max-delay=50ms",
        "sagaworks.messaging.consumer.redelivery-initial-delay=200ms",
        "sagaworks.messaging.consumer.redelivery-max-delay=1s"})
@DirtiesContext
class BatchConsumerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    private static KafkaTestClient kafka;

    @Autowired
    private TestHandlers handlers;
    @Autowired
    private BatchConsumer consumer;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private JsonMapper json;
    @Autowired
    private MessagingMetrics metrics;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_consumer");
        String groupId = SharedKafka.newGroupStartingAtTheEnd("messaging-consumer-it");
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
    void nothingIsLeftBehind() {
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
        // A connection given back to the pool inside a transaction (the "missing ROLLBACK") would stay so.
        await().atMost(TIMEOUT).until(this::sessionsInsideATransaction, count -> count == 0);
    }

    @Test
    void handlesACommandOnceAndAnswersWithACorrelatedReply() {
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);

        sendCommand(commandId, reserve(saga, 2));

        ConsumerRecord<String, String> reply = await().atMost(TIMEOUT)
                .until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 1).getFirst();
        assertThat(header(reply, MessageHeaders.CORRELATION_ID)).isEqualTo(commandId.toString());
        assertThat(header(reply, MessageHeaders.MESSAGE_TYPE)).isEqualTo("StockReserved");
        assertThat(header(reply, MessageHeaders.SAGA_ID)).isEqualTo(saga.toString());
        assertThat(json.readValue(reply.value(), StockReserved.class).totalCents()).isEqualTo(500);
        assertThat(reservationEffects(saga)).isEqualTo(1);
        assertThat(storedReplyId(commandId)).contains(header(reply, MessageHeaders.MESSAGE_ID));
        assertThat(handlers.mdcMessageId(saga)).isEqualTo(commandId.toString());
        // The reply comes back to this service's StockReserved handler, correlated with the command.
        await().atMost(TIMEOUT).until(() -> eventCorrelations(saga), c -> c.equals(List.of(commandId.toString())));
    }

    @Test
    void aRedeliveredCommandChangesNothingAndResendsTheSameReply() {
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        sendCommand(commandId, reserve(saga, 1));
        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 1);
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);

        sendCommand(commandId, reserve(saga, 1));

        List<ConsumerRecord<String, String>> both = await().atMost(TIMEOUT)
                .until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 2);
        assertThat(both).extracting(r -> header(r, MessageHeaders.MESSAGE_ID)).containsOnly(
                header(both.getFirst(), MessageHeaders.MESSAGE_ID));
        assertThat(both.get(1).value()).isEqualTo(both.get(0).value());
        assertThat(reservationEffects(saga)).isEqualTo(1);
        assertThat(handlers.commandCalls(saga)).isEqualTo(1);
    }

    @Test
    void aDuplicateEventIsHandledOnce() {
        SagaId saga = SagaId.random();
        UUID eventId = UUID.randomUUID();
        UUID markerId = UUID.randomUUID();

        sendEvent(eventId, reserved(saga));
        sendEvent(eventId, reserved(saga));
        // Same key, so same partition: once the marker is handled, both copies before it were seen.
        sendEvent(markerId, reserved(saga));

        await().atMost(TIMEOUT).until(() -> eventEffects(markerId), n -> n == 1);
        assertThat(eventEffects(eventId)).isEqualTo(1);
        assertThat(handlers.eventCalls(saga)).isEqualTo(2);
    }

    @Test
    void poisonRecordsInABatchAreDeadLetteredAloneAndTheRestIsHandled() {
        SagaId refused = SagaId.random();
        SagaId violating = SagaId.random();
        SagaId fine = SagaId.random();
        handlers.behave(refused, new TestHandlers.FailPermanently("no such product"));
        handlers.behave(violating, new TestHandlers.ViolateConstraint());
        KafkaTestClient.Probe deadLetters = kafka.probe(Topics.deadLetterOf(Topics.INVENTORY_COMMANDS));
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        long offset = ThreadLocalRandom.current().nextLong(1_000_000_000L, 2_000_000_000L);
        UUID badJsonId = UUID.randomUUID();
        UUID refusedId = UUID.randomUUID();
        UUID fineId = UUID.randomUUID();
        String badJson = "{\"sagaId\": \"" + fine + "\", \"lines\": [ not json";
        List<ConsumerRecord<String, String>> batch = List.of(
                record(offset, fine.toString(), badJson, headers(badJsonId, "ReserveStock", fine)),
                record(offset + 1, fine.toString(), "{}", headers(UUID.randomUUID(), "Bogus", fine)),
                record(offset + 2, fine.toString(), json.writeValueAsString(reserved(fine)),
                        headers(UUID.randomUUID(), "StockReserved", fine)),
                record(offset + 3, fine.toString(), json.writeValueAsString(new ReleaseStock(fine, OrderId.random())),
                        headers(UUID.randomUUID(), "ReleaseStock", fine)),
                record(offset + 4, fine.toString(), json.writeValueAsString(reserve(fine, 1)),
                        Map.of(MessageHeaders.MESSAGE_TYPE, "ReserveStock")),
                record(offset + 5, refused.toString(), json.writeValueAsString(reserve(refused, 1)),
                        headers(refusedId, "ReserveStock", refused)),
                record(offset + 6, violating.toString(), json.writeValueAsString(reserve(violating, 1)),
                        headers(UUID.randomUUID(), "ReserveStock", violating)),
                record(offset + 7, fine.toString(), json.writeValueAsString(reserve(fine, 3)),
                        headers(fineId, "ReserveStock", fine)));

        double rerunsBefore = reruns();
        consumer.onMessage(batch);
        // the first run, without savepoints, ended at the first poison record; the second one had them
        assertThat(reruns() - rerunsBefore).isEqualTo(1);

        Set<String> poisonOrigins = batch.subList(0, 7).stream()
                .map(r -> r.topic() + "-" + r.partition() + "@" + r.offset())
                .collect(Collectors.toSet());
        List<ConsumerRecord<String, String>> dead = await().atMost(TIMEOUT).until(
                () -> deadLetters.records(r -> poisonOrigins.contains(header(r, MessageHeaders.DEAD_LETTER_ORIGIN))),
                r -> r.size() == 7);
        Map<String, String> reasons = dead.stream().collect(Collectors.toMap(
                r -> header(r, MessageHeaders.DEAD_LETTER_ORIGIN), r -> header(r, MessageHeaders.DEAD_LETTER_REASON)));
        assertThat(reasons.get(origin(offset))).startsWith("undecodable ReserveStock");
        assertThat(reasons.get(origin(offset + 1))).isEqualTo("unknown message type Bogus on topic inventory.commands");
        assertThat(reasons.get(origin(offset + 2)))
                .isEqualTo("unknown message type StockReserved on topic inventory.commands");
        assertThat(reasons.get(origin(offset + 3)))
                .isEqualTo("no handler for message type ReleaseStock on topic inventory.commands");
        assertThat(reasons.get(origin(offset + 4))).isEqualTo("missing message-id header");
        assertThat(reasons.get(origin(offset + 5))).isEqualTo("no such product");
        assertThat(reasons.get(origin(offset + 6))).startsWith("DataIntegrityViolationException");

        ConsumerRecord<String, String> badJsonLetter = dead.stream()
                .filter(r -> origin(offset).equals(header(r, MessageHeaders.DEAD_LETTER_ORIGIN))).findFirst().orElseThrow();
        assertThat(badJsonLetter.key()).isEqualTo(fine.toString());
        assertThat(header(badJsonLetter, MessageHeaders.MESSAGE_ID)).isEqualTo(badJsonId.toString());
        assertThat(header(badJsonLetter, MessageHeaders.SAGA_ID)).isEqualTo(fine.toString());
        JsonNode letter = json.readTree(badJsonLetter.value());
        assertThat(letter.get("originalValue").asString()).isEqualTo(badJson);
        assertThat(letter.get("origin").asString()).isEqualTo(origin(offset));
        assertThat(letter.get("reason").asString()).startsWith("undecodable ReserveStock");

        // The refused and the violating records' own writes were rolled back with their savepoints...
        assertThat(reservationEffects(refused)).isZero();
        assertThat(reservationEffects(violating)).isZero();
        assertThat(inboxRows(refusedId)).isZero();
        assertThat(inboxRows(badJsonId)).isZero();
        // ...while the records around them were handled in the same transaction.
        assertThat(reservationEffects(fine)).isEqualTo(1);
        assertThat(inboxRows(fineId)).isEqualTo(1);
        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(fine.toString()), r -> r.size() == 1);
    }

    @Test
    void aBatchWithoutPoisonRunsOnceWithoutSavepoints() {
        SagaId first = SagaId.random();
        SagaId second = SagaId.random();
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        long offset = ThreadLocalRandom.current().nextLong(1_000_000_000L, 2_000_000_000L);
        List<ConsumerRecord<String, String>> batch = List.of(
                record(offset, first.toString(), json.writeValueAsString(reserve(first, 1)),
                        headers(UUID.randomUUID(), "ReserveStock", first)),
                record(offset + 1, second.toString(), json.writeValueAsString(reserve(second, 2)),
                        headers(UUID.randomUUID(), "ReserveStock", second)));

        double rerunsBefore = reruns();
        consumer.onMessage(batch);

        assertThat(reruns() - rerunsBefore).isZero();
        assertThat(reservationEffects(first)).isEqualTo(1);
        assertThat(reservationEffects(second)).isEqualTo(1);
        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(first.toString()).size()
                + replies.recordsWithKey(second.toString()).size(), n -> n == 2);
    }

    /**
     * A batch records all its inbox rows in one statement up front; duplicates, within the batch or of a message
     * handled before, are still told apart from first deliveries, and each command is handled once.
     */
    @Test
    void aBatchWithACommandTwiceAndOneHandledBeforeHandlesEachOnceAndResendsTheirReplies() {
        SagaId twice = SagaId.random();
        SagaId before = SagaId.random();
        SagaId fresh = SagaId.random();
        UUID twiceId = UUID.randomUUID();
        UUID beforeId = UUID.randomUUID();
        UUID freshId = UUID.randomUUID();
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        long offset = ThreadLocalRandom.current().nextLong(1_000_000_000L, 2_000_000_000L);
        consumer.onMessage(List.of(record(offset, before.toString(), json.writeValueAsString(reserve(before, 1)),
                headers(beforeId, "ReserveStock", before))));
        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(before.toString()), r -> r.size() == 1);
        List<ConsumerRecord<String, String>> batch = List.of(
                record(offset + 1, twice.toString(), json.writeValueAsString(reserve(twice, 2)),
                        headers(twiceId, "ReserveStock", twice)),
                record(offset + 2, before.toString(), json.writeValueAsString(reserve(before, 1)),
                        headers(beforeId, "ReserveStock", before)),
                record(offset + 3, twice.toString(), json.writeValueAsString(reserve(twice, 2)),
                        headers(twiceId, "ReserveStock", twice)),
                record(offset + 4, fresh.toString(), json.writeValueAsString(reserve(fresh, 3)),
                        headers(freshId, "ReserveStock", fresh)));
        double duplicatesBefore = duplicates();
        double rerunsBefore = reruns();

        consumer.onMessage(batch);

        assertThat(reruns() - rerunsBefore).isZero();
        assertThat(duplicates() - duplicatesBefore).isEqualTo(2);
        // the batch preparer saw each first delivery once, in batch order, and no duplicate
        assertThat(handlers.preparedBatches()).filteredOn(ids -> ids.contains(twiceId.toString()))
                .containsExactly(List.of(twiceId.toString(), freshId.toString()));
        for (SagaId saga : List.of(twice, before, fresh)) {
            assertThat(reservationEffects(saga)).as("effects of %s", saga).isEqualTo(1);
            assertThat(handlers.commandCalls(saga)).as("handler calls for %s", saga).isEqualTo(1);
        }
        for (UUID id : List.of(twiceId, beforeId, freshId)) {
            assertThat(inboxRows(id)).isEqualTo(1);
            assertThat(storedReplyId(id)).isPresent();
        }
        // The command handled before re-sends its stored reply (same id); the one twice in the batch answers once:
        // its second copy finds no stored reply yet (the batch's rows are written at its end), and re-sending the
        // first copy's reply would have come to the same row.
        List<ConsumerRecord<String, String>> resent = await().atMost(TIMEOUT)
                .until(() -> replies.recordsWithKey(before.toString()), r -> r.size() == 2);
        assertThat(resent).extracting(r -> header(r, MessageHeaders.MESSAGE_ID)).as("the same reply twice")
                .containsOnly(header(resent.getFirst(), MessageHeaders.MESSAGE_ID));
        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(fresh.toString()), r -> r.size() == 1);
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
        assertThat(replies.recordsWithKey(twice.toString())).hasSize(1);
    }

    /**
     * The outbox rows of a batch are written together at its end; when that write fails for good, the batch runs
     * again with a savepoint per record, where the record it fails on is found and dead-lettered alone.
     */
    @Test
    void aBatchWhoseHeldBackRowsCannotBeWrittenIsRunAgainAndOnlyTheFailingRecordIsDeadLettered() {
        SagaId forgetful = SagaId.random();
        SagaId fine = SagaId.random();
        handlers.behave(forgetful, new TestHandlers.ForgetInboxRow());
        KafkaTestClient.Probe deadLetters = kafka.probe(Topics.deadLetterOf(Topics.INVENTORY_COMMANDS));
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        long offset = ThreadLocalRandom.current().nextLong(1_000_000_000L, 2_000_000_000L);
        UUID fineId = UUID.randomUUID();
        List<ConsumerRecord<String, String>> batch = List.of(
                record(offset, fine.toString(), json.writeValueAsString(reserve(fine, 1)),
                        headers(fineId, "ReserveStock", fine)),
                record(offset + 1, forgetful.toString(), json.writeValueAsString(reserve(forgetful, 1)),
                        headers(UUID.randomUUID(), "ReserveStock", forgetful)));
        double rerunsBefore = reruns();

        consumer.onMessage(batch);

        assertThat(reruns() - rerunsBefore).isEqualTo(1);
        ConsumerRecord<String, String> dead = await().atMost(TIMEOUT).until(() -> deadLetters.records(
                r -> origin(offset + 1).equals(header(r, MessageHeaders.DEAD_LETTER_ORIGIN))), r -> r.size() == 1)
                .getFirst();
        assertThat(header(dead, MessageHeaders.DEAD_LETTER_REASON)).startsWith("IllegalStateException: no inbox row for command");
        assertThat(reservationEffects(forgetful)).isZero();
        assertThat(reservationEffects(fine)).isEqualTo(1);
        assertThat(storedReplyId(fineId)).isPresent();
        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(fine.toString()), r -> r.size() == 1);
        assertThat(replies.recordsWithKey(forgetful.toString())).isEmpty();
    }

    /** A batch preparer that fails for good costs a re-run without it; the batch is handled all the same. */
    @Test
    void aBatchWhosePreparerFailsIsRunAgainWithoutIt() {
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        handlers.failPreparationFor(saga);
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        long offset = ThreadLocalRandom.current().nextLong(1_000_000_000L, 2_000_000_000L);
        double rerunsBefore = reruns();

        consumer.onMessage(List.of(record(offset, saga.toString(), json.writeValueAsString(reserve(saga, 1)),
                headers(commandId, "ReserveStock", saga))));

        assertThat(reruns() - rerunsBefore).isEqualTo(1);
        assertThat(handlers.preparedBatches()).filteredOn(ids -> ids.contains(commandId.toString())).hasSize(1);
        assertThat(reservationEffects(saga)).isEqualTo(1);
        assertThat(storedReplyId(commandId)).isPresent();
        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 1);
    }

    @Test
    void aPoisonRecordFromKafkaIsDeadLetteredAndTheNextOneIsHandled() {
        SagaId saga = SagaId.random();
        UUID poisonId = UUID.randomUUID();
        KafkaTestClient.Probe deadLetters = kafka.probe(Topics.deadLetterOf(Topics.INVENTORY_COMMANDS));
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);

        kafka.send(Topics.INVENTORY_COMMANDS, saga.toString(), "not json at all", headers(poisonId, "ReserveStock", saga));
        sendCommand(UUID.randomUUID(), reserve(saga, 1));

        ConsumerRecord<String, String> dead = await().atMost(TIMEOUT).until(
                () -> deadLetters.records(r -> poisonId.toString().equals(header(r, MessageHeaders.MESSAGE_ID))),
                r -> r.size() == 1).getFirst();
        assertThat(header(dead, MessageHeaders.DEAD_LETTER_REASON)).startsWith("undecodable ReserveStock");
        assertThat(header(dead, MessageHeaders.DEAD_LETTER_ORIGIN)).startsWith(Topics.INVENTORY_COMMANDS + "-");
        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 1);
        assertThat(reservationEffects(saga)).isEqualTo(1);
    }

    @Test
    void aTransientFailureIsRetriedAndTheEffectHappensOnce() {
        SagaId saga = SagaId.random();
        handlers.behave(saga, new TestHandlers.FailTransiently(1));
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);

        sendCommand(UUID.randomUUID(), reserve(saga, 1));

        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 1);
        assertThat(handlers.commandCalls(saga)).isEqualTo(2);
        assertThat(reservationEffects(saga)).isEqualTo(1);
    }

    @Test
    void aTransientFailureOutlastingTheRetriesIsRedeliveredByTheContainer() {
        SagaId saga = SagaId.random();
        // Three attempts per delivery: the first delivery gives up, the redelivery succeeds on its second try.
        handlers.behave(saga, new TestHandlers.FailTransiently(4));
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);

        sendCommand(UUID.randomUUID(), reserve(saga, 1));

        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 1);
        assertThat(handlers.commandCalls(saga)).isEqualTo(5);
        assertThat(reservationEffects(saga)).isEqualTo(1);
    }

    @Test
    void aFailureMidHandlerLeavesNoPartialRowsAndTheConnectionUsable() {
        SagaId broken = SagaId.random();
        SagaId next = SagaId.random();
        UUID brokenId = UUID.randomUUID();
        handlers.behave(broken, new TestHandlers.FailUnexpectedly());
        KafkaTestClient.Probe deadLetters = kafka.probe(Topics.deadLetterOf(Topics.INVENTORY_COMMANDS));
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);

        // One key for both, so the second is consumed after the first, on the same consumer thread.
        sendCommand(brokenId, reserve(broken, 1), broken.toString());
        sendCommand(UUID.randomUUID(), reserve(next, 1), broken.toString());

        await().atMost(TIMEOUT).until(
                () -> deadLetters.records(r -> brokenId.toString().equals(header(r, MessageHeaders.MESSAGE_ID))),
                r -> r.size() == 1);
        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(next.toString()), r -> r.size() == 1);
        // twice: the batch ran without savepoints, met the failure, and ran again with them (and dead-lettered it)
        assertThat(handlers.commandCalls(broken)).isEqualTo(2);
        assertThat(reservationEffects(broken)).isZero();
        assertThat(inboxRows(brokenId)).isZero();
        assertThat(reservationEffects(next)).isEqualTo(1);
    }

    private void sendCommand(UUID id, ReserveStock command) {
        sendCommand(id, command, command.sagaId().toString());
    }

    private void sendCommand(UUID id, ReserveStock command, String key) {
        kafka.send(Topics.INVENTORY_COMMANDS, key, json.writeValueAsString(command),
                headers(id, "ReserveStock", command.sagaId()));
    }

    private void sendEvent(UUID id, StockReserved event) {
        kafka.send(Topics.INVENTORY_REPLIES, event.sagaId().toString(), json.writeValueAsString(event),
                headers(id, "StockReserved", event.sagaId()));
    }

    private double duplicates() {
        return metrics.registry().counter(MessagingMetrics.INBOX_DUPLICATES, "topic", Topics.INVENTORY_COMMANDS).count();
    }

    private double reruns() {
        return metrics.registry().counter(MessagingMetrics.BATCH_RERUNS).count();
    }

    private static Map<String, String> headers(UUID id, String type, SagaId saga) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(MessageHeaders.MESSAGE_ID, id.toString());
        headers.put(MessageHeaders.MESSAGE_TYPE, type);
        headers.put(MessageHeaders.SAGA_ID, saga.toString());
        return headers;
    }

    private static ConsumerRecord<String, String> record(long offset, String key, String value,
                                                         Map<String, String> headers) {
        RecordHeaders kafkaHeaders = new RecordHeaders();
        headers.forEach((name, v) -> kafkaHeaders.add(new RecordHeader(name, v.getBytes(StandardCharsets.UTF_8))));
        return new ConsumerRecord<>(Topics.INVENTORY_COMMANDS, 0, offset, System.currentTimeMillis(),
                TimestampType.CREATE_TIME, -1, -1, key, value, kafkaHeaders, Optional.empty());
    }

    private static String origin(long offset) {
        return Topics.INVENTORY_COMMANDS + "-0@" + offset;
    }

    private static ReserveStock reserve(SagaId saga, int quantity) {
        return new ReserveStock(saga, OrderId.random(), List.of(new OrderLine("SKU-1", quantity)));
    }

    private static StockReserved reserved(SagaId saga) {
        return new StockReserved(saga, List.of(new PricedLine("SKU-1", 1, 250)), 250);
    }

    private long outboxSize() {
        return jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Long.class).single();
    }

    private long sessionsInsideATransaction() {
        return jdbc.sql("""
                        SELECT count(*) FROM pg_stat_activity
                         WHERE datname = current_database() AND state LIKE 'idle in transaction%'
                        """)
                .query(Long.class).single();
    }

    private long reservationEffects(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM reservation_effect WHERE saga_id = :saga")
                .param("saga", saga.value()).query(Long.class).single();
    }

    private long eventEffects(UUID messageId) {
        return jdbc.sql("SELECT count(*) FROM event_effect WHERE message_id = :id")
                .param("id", messageId).query(Long.class).single();
    }

    private List<String> eventCorrelations(SagaId saga) {
        return new ArrayList<>(jdbc.sql("SELECT correlation_id::text FROM event_effect WHERE saga_id = :saga")
                .param("saga", saga.value()).query(String.class).list());
    }

    private long inboxRows(UUID messageId) {
        return jdbc.sql("SELECT count(*) FROM messaging_inbox WHERE message_id = :id")
                .param("id", messageId).query(Long.class).single();
    }

    private Optional<String> storedReplyId(UUID commandId) {
        return jdbc.sql("SELECT replies -> 0 ->> 'id' FROM messaging_inbox WHERE message_id = :id")
                .param("id", commandId).query(String.class).optional();
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
