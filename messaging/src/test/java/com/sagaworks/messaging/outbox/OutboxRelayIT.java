package com.sagaworks.messaging.outbox;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.messaging.KafkaTestClient;
import com.sagaworks.messaging.MessagingTestApplication;
import com.sagaworks.messaging.consumer.BatchConsumer;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.sagaworks.messaging.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The relay against a real database and broker. The poll interval is a minute, so anything published within
 * seconds was woken by NOTIFY, not by the safety-net poll.
 */
@SpringBootTest(classes = MessagingTestApplication.class, properties = {
        "sagaworks.messaging.consumer.enabled=false",
        "sagaworks.messaging.relay.poll-interval=60s",
        "sagaworks.messaging.relay.lease-ttl=10m",
        "sagaworks.messaging.relay.batch-size=50"})
@DirtiesContext
class OutboxRelayIT {

    private static final Duration WELL_BEFORE_POLL_INTERVAL = Duration.ofSeconds(15);

    private static KafkaTestClient kafka;

    @Autowired
    private Outbox outbox;
    @Autowired
    private OutboxRelay relay;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TransactionTemplate transactions;
    @Autowired
    private JsonMapper json;
    @Autowired
    private ApplicationContext context;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_relay");
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
        await().atMost(WELL_BEFORE_POLL_INTERVAL).until(this::outboxSize, size -> size == 0);
    }

    @Test
    void publishesARowWithAllHeadersThenDeletesIt() {
        SagaId saga = SagaId.random();
        UUID commandId = UUID.randomUUID();
        var reply = new StockReserved(saga, List.of(new PricedLine("SKU-1", 2, 1250)), 2500);
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);

        UUID id = transactions.execute(status ->
                outbox.send(UUID.randomUUID(), reply, Map.of(MessageHeaders.CORRELATION_ID, commandId.toString())));

        ConsumerRecord<String, String> record = await().atMost(WELL_BEFORE_POLL_INTERVAL)
                .until(() -> replies.recordsWithKey(saga.toString()), r -> !r.isEmpty()).getFirst();
        assertThat(header(record, MessageHeaders.MESSAGE_ID)).isEqualTo(id.toString());
        assertThat(header(record, MessageHeaders.MESSAGE_TYPE)).isEqualTo("StockReserved");
        assertThat(header(record, MessageHeaders.SAGA_ID)).isEqualTo(saga.toString());
        assertThat(header(record, MessageHeaders.CORRELATION_ID)).isEqualTo(commandId.toString());
        assertThat(json.readValue(record.value(), StockReserved.class)).isEqualTo(reply);
        await().atMost(WELL_BEFORE_POLL_INTERVAL).until(this::outboxSize, size -> size == 0);
    }

    @Test
    void wakesOnNotifyLongBeforeThePollInterval() {
        // The relay has published everything and is now waiting: only a NOTIFY can wake it within a minute.
        await().atMost(WELL_BEFORE_POLL_INTERVAL).until(() -> relay.isLeader() && outboxSize() == 0);
        SagaId saga = SagaId.random();
        KafkaTestClient.Probe commands = kafka.probe(Topics.INVENTORY_COMMANDS);

        transactions.executeWithoutResult(status -> outbox.send(reserve(saga)));

        await().atMost(WELL_BEFORE_POLL_INTERVAL)
                .until(() -> commands.recordsWithKey(saga.toString()), r -> r.size() == 1);
    }

    @Test
    void startsNoConsumerWhenItIsSwitchedOff() {
        assertThat(context.getBeansOfType(ConcurrentMessageListenerContainer.class)).isEmpty();
        assertThat(context.getBeansOfType(BatchConsumer.class)).isEmpty();
    }

    @Test
    void refusesToWriteWithoutATransaction() {
        assertThatThrownBy(() -> outbox.send(reserve(SagaId.random())))
                .isInstanceOf(IllegalTransactionStateException.class);
        assertThat(outboxSize()).isZero();
    }

    @Test
    void drainsABacklogLargerThanOneBatchInSeqOrderPerKey() {
        SagaId saga = SagaId.random();
        KafkaTestClient.Probe commands = kafka.probe(Topics.INVENTORY_COMMANDS);
        List<UUID> written = new ArrayList<>();

        // 180 rows, batch size 50: four rounds, drained back to back.
        transactions.executeWithoutResult(status -> {
            for (int i = 0; i < 180; i++) {
                written.add(outbox.send(reserve(saga)));
            }
        });

        List<ConsumerRecord<String, String>> received = await().atMost(WELL_BEFORE_POLL_INTERVAL)
                .until(() -> commands.recordsWithKey(saga.toString()), r -> r.size() >= written.size());
        assertThat(received).extracting(r -> UUID.fromString(header(r, MessageHeaders.MESSAGE_ID)))
                .containsExactlyElementsOf(written);
    }

    @Test
    void rowsOfARolledBackTransactionAreNeverPublished() {
        SagaId saga = SagaId.random();
        SagaId marker = SagaId.random();
        KafkaTestClient.Probe commands = kafka.probe(Topics.INVENTORY_COMMANDS);

        transactions.executeWithoutResult(status -> {
            outbox.send(reserve(saga));
            status.setRollbackOnly();
        });
        transactions.executeWithoutResult(status -> outbox.send(reserve(marker)));

        await().atMost(WELL_BEFORE_POLL_INTERVAL)
                .until(() -> commands.recordsWithKey(marker.toString()), r -> r.size() == 1);
        assertThat(commands.recordsWithKey(saga.toString())).isEmpty();
    }

    private static ReserveStock reserve(SagaId saga) {
        return new ReserveStock(saga, OrderId.random(), List.of(new OrderLine("SKU-1", 1)));
    }

    private long outboxSize() {
        return jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Long.class).single();
    }
}
