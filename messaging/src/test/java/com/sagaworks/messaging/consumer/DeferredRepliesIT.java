package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.messaging.KafkaTestClient;
import com.sagaworks.messaging.MessagingTestApplication;
import com.sagaworks.messaging.TestHandlers;
import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.IllegalTransactionStateException;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static com.sagaworks.messaging.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A command whose handler returns {@link DeferredReply#LATER}: nothing is sent until {@link DeferredReplies#complete}
 * runs in a transaction of its own (as after a call to an external provider), then exactly one reply, which a
 * later duplicate of the command re-sends under the same id.
 */
@SpringBootTest(classes = MessagingTestApplication.class, properties = {
        "sagaworks.messaging.relay.poll-interval=500ms"})
@DirtiesContext
class DeferredRepliesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    private static KafkaTestClient kafka;

    @Autowired
    private TestHandlers handlers;
    @Autowired
    private DeferredReplies deferredReplies;
    @Autowired
    private TransactionRunner transactions;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private JsonMapper json;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_deferred");
        String groupId = SharedKafka.newGroupStartingAtTheEnd("messaging-deferred-it");
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
    void aDeferredCommandIsAnsweredOnlyWhenCompletedAndADuplicateMeanwhileSendsNothing() {
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        ReserveStock command = reserve(saga);
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        handlers.behave(saga, new TestHandlers.Defer());

        sendCommand(commandId, command);
        await().atMost(TIMEOUT).until(() -> status(commandId), "PENDING"::equals);
        sendCommand(commandId, command);
        awaitHandled(saga);

        assertThat(replies.recordsWithKey(saga.toString())).isEmpty();
        assertThat(storedReplies(commandId)).isEqualTo("[]");
        assertThat(handlers.commandCalls(saga)).isEqualTo(1);
        assertThat(reservationEffects(saga)).isEqualTo(1);

        boolean completed = transactions.inTransaction("complete reservation",
                () -> deferredReplies.complete(commandId, TestHandlers.reserved(command)));

        assertThat(completed).isTrue();
        ConsumerRecord<String, String> reply = await().atMost(TIMEOUT)
                .until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 1).getFirst();
        assertThat(header(reply, MessageHeaders.CORRELATION_ID)).isEqualTo(commandId.toString());
        assertThat(header(reply, MessageHeaders.MESSAGE_TYPE)).isEqualTo("StockReserved");
        assertThat(json.readValue(reply.value(), StockReserved.class)).isEqualTo(TestHandlers.reserved(command));
        assertThat(status(commandId)).isEqualTo("COMPLETED");
        assertThat(storedReplyId(commandId)).isEqualTo(header(reply, MessageHeaders.MESSAGE_ID));
        // The reply comes back to this service's own StockReserved handler, once.
        await().atMost(TIMEOUT).until(() -> eventEffects(saga), n -> n == 1);
    }

    @Test
    void aDuplicateAfterCompletionResendsTheStoredReplyUnderTheSameId() {
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        ReserveStock command = reserve(saga);
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        handlers.behave(saga, new TestHandlers.Defer());
        sendCommand(commandId, command);
        await().atMost(TIMEOUT).until(() -> status(commandId), "PENDING"::equals);
        transactions.inTransaction("complete reservation",
                () -> deferredReplies.complete(commandId, TestHandlers.reserved(command)));
        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 1);
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);

        sendCommand(commandId, command);

        List<ConsumerRecord<String, String>> both = await().atMost(TIMEOUT)
                .until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 2);
        assertThat(both).extracting(r -> header(r, MessageHeaders.MESSAGE_ID))
                .containsOnly(storedReplyId(commandId));
        assertThat(both.get(1).value()).isEqualTo(both.get(0).value());
        assertThat(handlers.commandCalls(saga)).isEqualTo(1);
        assertThat(reservationEffects(saga)).isEqualTo(1);
        await().atMost(TIMEOUT).until(() -> eventEffects(saga), n -> n == 1);
    }

    @Test
    void completingAgainSendsNothingAndReportsIt() {
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        ReserveStock command = reserve(saga);
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        handlers.behave(saga, new TestHandlers.Defer());
        sendCommand(commandId, command);
        await().atMost(TIMEOUT).until(() -> status(commandId), "PENDING"::equals);
        transactions.inTransaction("complete reservation",
                () -> deferredReplies.complete(commandId, TestHandlers.reserved(command)));
        String firstReplyId = storedReplyId(commandId);

        boolean again = transactions.inTransaction("complete reservation again",
                () -> deferredReplies.complete(commandId, TestHandlers.reserved(command)));

        assertThat(again).isFalse();
        assertThat(storedReplyId(commandId)).isEqualTo(firstReplyId);
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
        await().atMost(TIMEOUT).until(() -> eventEffects(saga), n -> n == 1);
        assertThat(replies.recordsWithKey(saga.toString())).extracting(r -> header(r, MessageHeaders.MESSAGE_ID))
                .containsExactly(firstReplyId);
    }

    /**
     * Two completions race (say the normal path and a recovery job): the second blocks on the first one's row lock,
     * then finds the row completed. One reply goes out.
     */
    @Test
    void twoCompletionsRacingSendOneReply() throws Exception {
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        ReserveStock command = reserve(saga);
        handlers.behave(saga, new TestHandlers.Defer());
        sendCommand(commandId, command);
        await().atMost(TIMEOUT).until(() -> status(commandId), "PENDING"::equals);
        CountDownLatch firstUpdated = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        // Two threads of its own: the common pool may have a single one on a small machine.
        ExecutorService threads = Executors.newFixedThreadPool(2);

        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() ->
                transactions.inTransaction("complete first", () -> {
                    boolean done = deferredReplies.complete(commandId, TestHandlers.reserved(command));
                    firstUpdated.countDown();
                    await().atMost(TIMEOUT).until(() -> releaseFirst.await(0, TimeUnit.MILLISECONDS));
                    return done;
                }), threads);
        assertThat(firstUpdated.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() ->
                transactions.inTransaction("complete second",
                        () -> deferredReplies.complete(commandId, TestHandlers.reserved(command))), threads);
        await().atMost(TIMEOUT).until(this::sessionsWaitingForALock, n -> n == 1);
        releaseFirst.countDown();

        assertThat(List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS)))
                .containsExactly(true, false);
        threads.shutdown();
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
        await().atMost(TIMEOUT).until(() -> eventEffects(saga), n -> n == 1);
        assertThat(status(commandId)).isEqualTo("COMPLETED");
    }

    @Test
    void completingAnUnknownCommandIsRefused() {
        UUID unknown = UUID.randomUUID();

        assertThatThrownBy(() -> transactions.inTransaction("complete unknown",
                () -> deferredReplies.complete(unknown, TestHandlers.reserved(reserve(SagaId.random())))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("never received");
        assertThat(outboxSize()).isZero();
    }

    @Test
    void completingACommandThatWasAnsweredAtOnceIsRefused() {
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        ReserveStock command = reserve(saga);
        sendCommand(commandId, command);
        await().atMost(TIMEOUT).until(() -> status(commandId), "NONE"::equals);
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
        String replyId = storedReplyId(commandId);

        assertThatThrownBy(() -> transactions.inTransaction("complete answered",
                () -> deferredReplies.complete(commandId, TestHandlers.reserved(command))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not waiting for a deferred reply");
        assertThat(storedReplyId(commandId)).isEqualTo(replyId);
        assertThat(outboxSize()).isZero();
    }

    @Test
    void completingRefusesToRunOutsideATransaction() {
        assertThatThrownBy(() -> deferredReplies.complete(UUID.randomUUID(),
                TestHandlers.reserved(reserve(SagaId.random()))))
                .isInstanceOf(IllegalTransactionStateException.class);
        assertThat(outboxSize()).isZero();
    }

    /** A marker command on the same key (so the same partition) is answered after everything sent before it. */
    private void awaitHandled(SagaId saga) {
        SagaId marker = SagaId.random();
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        ReserveStock markerCommand = reserve(marker);
        kafka.send(Topics.INVENTORY_COMMANDS, saga.toString(), json.writeValueAsString(markerCommand),
                headers(UUID.randomUUID(), marker));
        await().atMost(TIMEOUT).until(() -> replies.recordsWithKey(marker.toString()), r -> r.size() == 1);
    }

    private void sendCommand(UUID id, ReserveStock command) {
        kafka.send(Topics.INVENTORY_COMMANDS, command.sagaId().toString(), json.writeValueAsString(command),
                headers(id, command.sagaId()));
    }

    private static Map<String, String> headers(UUID id, SagaId saga) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(MessageHeaders.MESSAGE_ID, id.toString());
        headers.put(MessageHeaders.MESSAGE_TYPE, "ReserveStock");
        headers.put(MessageHeaders.SAGA_ID, saga.toString());
        return headers;
    }

    private static ReserveStock reserve(SagaId saga) {
        return new ReserveStock(saga, OrderId.random(), List.of(new OrderLine("SKU-1", 2)));
    }

    private String status(UUID commandId) {
        return jdbc.sql("SELECT deferred_reply FROM messaging_inbox WHERE message_id = :id")
                .param("id", commandId).query(String.class).optional().orElse(null);
    }

    private String storedReplies(UUID commandId) {
        return jdbc.sql("SELECT replies::text FROM messaging_inbox WHERE message_id = :id")
                .param("id", commandId).query(String.class).single();
    }

    private String storedReplyId(UUID commandId) {
        return jdbc.sql("SELECT replies -> 0 ->> 'id' FROM messaging_inbox WHERE message_id = :id")
                .param("id", commandId).query(String.class).single();
    }

    private long reservationEffects(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM reservation_effect WHERE saga_id = :saga")
                .param("saga", saga.value()).query(Long.class).single();
    }

    private long eventEffects(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM event_effect WHERE saga_id = :saga")
                .param("saga", saga.value()).query(Long.class).single();
    }

    private long sessionsWaitingForALock() {
        return jdbc.sql("""
                        SELECT count(*) FROM pg_stat_activity
                         WHERE datname = current_database() AND wait_event_type = 'Lock'
                        """)
                .query(Long.class).single();
    }

    private long outboxSize() {
        return jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Long.class).single();
    }
}
