package com.sagaworks.messaging;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.messaging.consumer.BatchConsumer;
import com.sagaworks.messaging.consumer.MessageHandlers;
import com.sagaworks.messaging.inbox.Inbox;
import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.messaging.outbox.JdbcOutbox;
import com.sagaworks.messaging.outbox.Outbox;
import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static com.sagaworks.messaging.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each crash point of the outbox/inbox protocol, provoked on purpose against the real database and broker, with
 * the end state checked: the effect happened exactly once (or not at all), the reply went out under one id, and
 * nothing is left in the outbox.
 *
 * <p>The application's own relay is off: each test starts relays by hand, so it controls when one runs and on
 * which DataSource. Faults are injected from outside: a wrapped DataSource, and a {@link BatchConsumer} subclass as
 * the listener; production code has no test hooks.
 */
@SpringBootTest(classes = {MessagingTestApplication.class, FaultInjectionIT.Faults.class}, properties = {
        "sagaworks.messaging.relay.enabled=false",
        "sagaworks.messaging.consumer.redelivery-initial-delay=200ms",
        "sagaworks.messaging.consumer.redelivery-max-delay=1s"})
@DirtiesContext
class FaultInjectionIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    private static KafkaTestClient kafka;

    @Autowired
    private TestHandlers handlers;
    @Autowired
    private CrashingBatchConsumer consumer;
    @Autowired
    private Outbox outbox;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private JsonMapper json;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private TransactionTemplate transactions;
    @Autowired
    private MessagingMetrics metrics;
    @Autowired
    private MeterRegistry meters;

    private TestRelays relays;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_faults");
        String groupId = SharedKafka.newGroupStartingAtTheEnd("messaging-faults-it");
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

    @BeforeEach
    void relays() {
        relays = new TestRelays(json, metrics);
    }

    /** Every test ends with a relay running: whatever its scenario queued must have gone out. */
    @AfterEach
    void nothingIsLeftBehind() throws Exception {
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
        relays.close();
    }

    /** Before commit: the handler's first write is rolled back with it, and the command is dead-lettered. */
    @Test
    void aHandlerFailingAfterItsFirstWriteLeavesNoPartialRowsAndIsDeadLettered() {
        relays.start(dataSource);
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        handlers.behave(saga, new TestHandlers.FailUnexpectedly());
        KafkaTestClient.Probe deadLetters = kafka.probe(Topics.deadLetterOf(Topics.INVENTORY_COMMANDS));
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        double deadLetteredBefore = counter(MessagingMetrics.DEAD_LETTERED, "topic", Topics.INVENTORY_COMMANDS);

        sendCommand(commandId, reserve(saga));

        ConsumerRecord<String, String> dead = await().atMost(TIMEOUT).until(
                () -> deadLetters.records(r -> commandId.toString().equals(header(r, MessageHeaders.MESSAGE_ID))),
                r -> r.size() == 1).getFirst();
        assertThat(header(dead, MessageHeaders.DEAD_LETTER_REASON))
                .isEqualTo("IllegalStateException: simulated bug after the first insert");
        assertThat(header(dead, MessageHeaders.SAGA_ID)).isEqualTo(saga.toString());
        // The dead letter reaches the service's dead-letter handler once, as it would mark the saga.
        await().atMost(TIMEOUT).until(() -> deadLetterEffects(saga), n -> n == 1);
        // twice: the batch ran without savepoints, met the failure, and ran again with them (and dead-lettered it)
        assertThat(handlers.commandCalls(saga)).isEqualTo(2);
        assertThat(reservationEffects(saga)).isZero();
        assertThat(inboxRows(commandId)).isZero();
        assertThat(replies.recordsWithKey(saga.toString())).isEmpty();
        // At least: this group also reads older classes' poison commands from the shared broker.
        assertThat(counter(MessagingMetrics.DEAD_LETTERED, "topic", Topics.INVENTORY_COMMANDS))
                .isGreaterThanOrEqualTo(deadLetteredBefore + 1);
    }

    /** After commit, before publish: the reply waits in the outbox until a relay runs, then goes out once. */
    @Test
    void aReplyCommittedWhileNoRelayRunsIsPublishedByTheNextRelayToStart() {
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);

        sendCommand(commandId, reserve(saga));

        await().atMost(TIMEOUT).until(() -> outboxRowsWithKey(saga), n -> n == 1);
        assertThat(reservationEffects(saga)).isEqualTo(1);
        assertThat(inboxRows(commandId)).isEqualTo(1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> replies.recordsWithKey(saga.toString()).isEmpty() && outboxRowsWithKey(saga) == 1);
        assertThat(gauge(MessagingMetrics.OUTBOX_BACKLOG)).isGreaterThanOrEqualTo(1);

        relays.start(dataSource);

        ConsumerRecord<String, String> reply = await().atMost(TIMEOUT)
                .until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 1).getFirst();
        assertThat(header(reply, MessageHeaders.CORRELATION_ID)).isEqualTo(commandId.toString());
        assertThat(header(reply, MessageHeaders.MESSAGE_ID)).isEqualTo(storedReplyId(commandId));
        // The service consumes its own reply: once.
        await().atMost(TIMEOUT).until(() -> eventEffects(saga), n -> n == 1);
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
        assertThat(reservationEffects(saga)).isEqualTo(1);
        assertThat(timer(MessagingMetrics.RELAY_PUBLISH_LAG, "topic", Topics.INVENTORY_REPLIES).count())
                .isPositive();
    }

    /**
     * After publish, before delete: the relay loses its database between the broker's acknowledgements and the
     * DELETE, which is what a crash there leaves behind. The next round publishes the row again; the consumer
     * handles the command once and answers both copies with the one stored reply.
     */
    @Test
    void rowsPublishedButNotDeletedArePublishedAgainAndTheInboxDropsTheDuplicate() {
        FaultInjectingDataSource faults = new FaultInjectingDataSource(dataSource);
        relays.start(faults.dataSource());
        SagaId saga = SagaId.random();
        KafkaTestClient.Probe commands = kafka.probe(Topics.INVENTORY_COMMANDS);
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        double duplicatesBefore = counter(MessagingMetrics.INBOX_DUPLICATES, "topic", Topics.INVENTORY_COMMANDS);
        faults.arm("DELETE FROM messaging_outbox", sql -> {
            throw new SQLException("simulated crash between the acknowledgements and the delete", "08006");
        });

        UUID commandId = transactions.execute(status -> outbox.send(reserve(saga)));

        await().atMost(TIMEOUT).until(() -> commandCopies(commands, commandId), n -> n == 2);
        assertThat(faults.allStruck()).isTrue();
        await().atMost(TIMEOUT).until(() -> eventEffects(saga), n -> n == 1);
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
        await().atMost(TIMEOUT).until(() -> counter(MessagingMetrics.INBOX_DUPLICATES, "topic",
                Topics.INVENTORY_COMMANDS), n -> n > duplicatesBefore);
        assertThat(commandCopies(commands, commandId)).isEqualTo(2);
        assertThat(reservationEffects(saga)).isEqualTo(1);
        assertThat(inboxRows(commandId)).isEqualTo(1);
        // Whether the duplicate re-queued the reply or found it still waiting, every copy out has the one id.
        assertThat(replies.recordsWithKey(saga.toString())).isNotEmpty()
                .extracting(r -> header(r, MessageHeaders.MESSAGE_ID)).containsOnly(storedReplyId(commandId));
        assertThat(handlers.eventCalls(saga)).isEqualTo(1);
    }

    /**
     * After the effect, before the offset commit: the listener fails once its transaction committed. The container
     * delivers the batch again; the inbox recognises the command and only the stored reply goes out again.
     */
    @Test
    void aBatchRedeliveredAfterItsTransactionCommittedTakesEffectOnce() {
        relays.start(dataSource);
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);
        consumer.crashAfterCommitting(commandId);
        long committedBatchesBefore = timer(MessagingMetrics.CONSUMER_BATCH, "outcome", "committed").count();
        double duplicatesBefore = counter(MessagingMetrics.INBOX_DUPLICATES, "topic", Topics.INVENTORY_COMMANDS);

        sendCommand(commandId, reserve(saga));

        await().atMost(TIMEOUT).until(() -> consumer.deliveries(commandId), n -> n >= 2);
        await().atMost(TIMEOUT).until(() -> eventEffects(saga), n -> n == 1);
        await().atMost(TIMEOUT).until(this::outboxSize, size -> size == 0);
        // The second delivery met the command in the inbox. Handler calls are not the measure: this group also
        // reads older classes' records from the shared broker, and when one of them fails for good in the same
        // batch, the batch runs twice (without savepoints, rolled back, then with them), calling the handler twice.
        await().atMost(TIMEOUT).until(() -> counter(MessagingMetrics.INBOX_DUPLICATES, "topic",
                Topics.INVENTORY_COMMANDS), n -> n > duplicatesBefore);
        assertThat(reservationEffects(saga)).isEqualTo(1);
        assertThat(inboxRows(commandId)).isEqualTo(1);
        assertThat(replies.recordsWithKey(saga.toString())).isNotEmpty()
                .extracting(r -> header(r, MessageHeaders.MESSAGE_ID)).containsOnly(storedReplyId(commandId));
        // Both deliveries committed their transactions; the listener's failure came after the first.
        assertThat(timer(MessagingMetrics.CONSUMER_BATCH, "outcome", "committed").count())
                .isGreaterThanOrEqualTo(committedBatchesBefore + 2);
    }

    private void sendCommand(UUID id, ReserveStock command) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(MessageHeaders.MESSAGE_ID, id.toString());
        headers.put(MessageHeaders.MESSAGE_TYPE, "ReserveStock");
        headers.put(MessageHeaders.SAGA_ID, command.sagaId().toString());
        kafka.send(Topics.INVENTORY_COMMANDS, command.sagaId().toString(), json.writeValueAsString(command), headers);
    }

    private static ReserveStock reserve(SagaId saga) {
        return new ReserveStock(saga, OrderId.random(), List.of(new OrderLine("SKU-1", 1)));
    }

    private static int commandCopies(KafkaTestClient.Probe commands, UUID commandId) {
        return commands.records(r -> commandId.toString().equals(header(r, MessageHeaders.MESSAGE_ID))).size();
    }

    private double counter(String name, String... tags) {
        Counter counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private Timer timer(String name, String... tags) {
        return meters.get(name).tags(tags).timer();
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private long outboxSize() {
        return jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Long.class).single();
    }

    private long outboxRowsWithKey(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM messaging_outbox WHERE aggregate_id = :key")
                .param("key", saga.toString()).query(Long.class).single();
    }

    private long reservationEffects(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM reservation_effect WHERE saga_id = :saga")
                .param("saga", saga.value()).query(Long.class).single();
    }

    private long eventEffects(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM event_effect WHERE saga_id = :saga")
                .param("saga", saga.value()).query(Long.class).single();
    }

    private long deadLetterEffects(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM dead_letter_effect WHERE saga_id = :saga")
                .param("saga", saga.value()).query(Long.class).single();
    }

    private long inboxRows(UUID messageId) {
        return jdbc.sql("SELECT count(*) FROM messaging_inbox WHERE message_id = :id")
                .param("id", messageId).query(Long.class).single();
    }

    private String storedReplyId(UUID commandId) {
        return jdbc.sql("SELECT replies -> 0 ->> 'id' FROM messaging_inbox WHERE message_id = :id")
                .param("id", commandId).query(String.class).single();
    }

    /** A meter registry, so the library registers its meters, and the listener that fails after committing. */
    @TestConfiguration
    static class Faults {

        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        CrashingBatchConsumer crashingBatchConsumer(MessageHandlers handlers, Inbox inbox, JdbcOutbox outbox,
                                                    JsonMapper json, TransactionRunner transactionRunner,
                                                    PlatformTransactionManager transactionManager,
                                                    MessagingMetrics metrics) {
            return new CrashingBatchConsumer(handlers, inbox, outbox, json, transactionRunner, transactionManager,
                    metrics);
        }
    }

    /**
     * The real listener, which throws after {@code super.onMessage} returned (its transaction committed) for a
     * batch holding an armed message id: the container then never commits those offsets.
     */
    static class CrashingBatchConsumer extends BatchConsumer {

        private final Set<String> crashAfter = ConcurrentHashMap.newKeySet();
        private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

        CrashingBatchConsumer(MessageHandlers handlers, Inbox inbox, JdbcOutbox outbox, JsonMapper json,
                              TransactionRunner transactionRunner, PlatformTransactionManager transactionManager,
                              MessagingMetrics metrics) {
            super(handlers, inbox, outbox, json, transactionRunner, transactionManager, metrics);
        }

        void crashAfterCommitting(UUID messageId) {
            crashAfter.add(messageId.toString());
        }

        int deliveries(UUID messageId) {
            AtomicInteger count = deliveries.get(messageId.toString());
            return count == null ? 0 : count.get();
        }

        @Override
        public void onMessage(List<ConsumerRecord<String, String>> records) {
            List<String> ids = records.stream().map(FaultInjectionIT::messageId).toList();
            ids.forEach(id -> deliveries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet());
            super.onMessage(records);
            for (String id : ids) {
                if (crashAfter.remove(id)) {
                    throw new IllegalStateException("simulated crash after the batch committed, before its offsets");
                }
            }
        }
    }

    private static String messageId(ConsumerRecord<String, String> record) {
        var header = record.headers().lastHeader(MessageHeaders.MESSAGE_ID);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
