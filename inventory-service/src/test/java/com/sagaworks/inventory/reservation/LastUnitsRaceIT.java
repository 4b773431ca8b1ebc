package com.sagaworks.inventory.reservation;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.InventoryReply;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockRejected;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.inventory.InventoryFixtures;
import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.testing.KafkaTestClient;
import com.sagaworks.testing.KafkaTestClient.Received;
import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.sagaworks.inventory.InventoryFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Twenty orders race for the last five units: exactly five win, nobody oversells. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // one listener thread per partition, so reservations really run side by side
        properties = "sagaworks.messaging.consumer.concurrency=4")
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LastUnitsRaceIT {

    private static final int RACERS = 20;
    private static final int UNITS = 5;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "inventory");
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StockReservations reservations;

    @Autowired
    TransactionRunner transactions;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    InventoryFixtures fixtures;
    KafkaTestClient kafka;

    @BeforeAll
    void connect() {
        fixtures = new InventoryFixtures(jdbc);
        kafka = new KafkaTestClient(bootstrapServers, Topics.INVENTORY_REPLIES);
    }

    @AfterAll
    void disconnect() {
        kafka.close();
    }

    @AfterEach
    void invariantsHold() {
        fixtures.awaitOutboxEmpty();
        fixtures.assertStockConserved();
    }

    @Test
    void twentySagasOverKafkaForFiveUnitsGetExactlyFiveReservations() throws Exception {
        String print = fixtures.product("PRINT", 15_000, UNITS);
        List<SagaId> sagas = IntStream.range(0, RACERS).mapToObj(i -> SagaId.random()).toList();
        Set<String> keys = sagas.stream().map(SagaId::toString).collect(Collectors.toSet());

        try (ExecutorService senders = Executors.newFixedThreadPool(4)) {
            for (SagaId saga : sagas) {
                senders.submit(() -> kafka.send(
                        new ReserveStock(saga, OrderId.random(), List.of(new OrderLine(print, 1)))));
            }
        }

        await().atMost(TIMEOUT)
                .failFast("stock went negative", () -> fixtures.available(print) < 0)
                .until(() -> kafka.received(r -> keys.contains(r.key())).size() >= RACERS);
        List<Received> replies = kafka.received(r -> keys.contains(r.key()));
        assertThat(replies).hasSize(RACERS);
        assertThat(replies).filteredOn(r -> r.type().equals("StockReserved")).hasSize(UNITS);
        assertThat(replies).filteredOn(r -> r.type().equals("StockRejected"))
                .extracting(r -> r.as(StockRejected.class).reason())
                .hasSize(RACERS - UNITS)
                .containsOnly(StockRejected.Reason.OUT_OF_STOCK);
        assertThat(fixtures.available(print)).isZero();
    }

    @Test
    void twentyConcurrentTransactionsForFiveUnitsNeverOversell() throws Exception {
        String print = fixtures.product("PRINT", 15_000, UNITS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<InventoryReply>> outcomes = new ArrayList<>();

        try (ExecutorService racers = Executors.newFixedThreadPool(RACERS)) {
            for (int i = 0; i < RACERS; i++) {
                ReserveStock command = new ReserveStock(SagaId.random(), OrderId.random(),
                        List.of(new OrderLine(print, 1)));
                outcomes.add(racers.submit(() -> {
                    start.await();
                    return transactions.inTransaction("reserve-race", () -> reservations.reserve(command));
                }));
            }
            start.countDown();
        }

        List<InventoryReply> replies = new ArrayList<>();
        for (Future<InventoryReply> outcome : outcomes) {
            replies.add(outcome.get());
        }
        assertThat(replies).filteredOn(r -> r instanceof StockReserved)
                .hasSize(UNITS);
        assertThat(replies).filteredOn(r -> r instanceof StockRejected rejected
                        && rejected.reason() == StockRejected.Reason.OUT_OF_STOCK)
                .hasSize(RACERS - UNITS);
        assertThat(fixtures.available(print)).isZero();
    }
}
