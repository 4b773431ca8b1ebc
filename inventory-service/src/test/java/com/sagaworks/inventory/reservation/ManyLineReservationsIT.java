package com.sagaworks.inventory.reservation;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.InventoryReply;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.inventory.ReleaseStock;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockReleased;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.inventory.InventoryFixtures;
import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Orders of several lines over shared products: each reservation takes all its lines' stock and records them in
 * one statement, each release gives them all back in one statement, and the row counts of both are checked.
 */
@SpringBootTest
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManyLineReservationsIT {

    private static final int SAGAS = 40;
    private static final int WORKERS = 8;
    private static final int STOCK = 1_000;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "inventory");
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StockReservations reservations;

    @Autowired
    ReservationRepository repository;

    @Autowired
    PlatformTransactionManager transactionManager;

    InventoryFixtures fixtures;
    // no retries, unlike the consumer's TransactionRunner: a deadlock or lock timeout must fail the test
    TransactionTemplate transactions;

    @BeforeAll
    void connect() {
        fixtures = new InventoryFixtures(jdbc);
        transactions = new TransactionTemplate(transactionManager);
    }

    @AfterEach
    void invariantsHold() {
        fixtures.assertStockConserved();
    }

    @Test
    void manyLineOrdersOverSharedProductsReserveAndReleaseSideBySideAtCatalogPrices() throws Exception {
        Map<String, Long> catalog = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            long price = 100 + 111L * i;
            catalog.put(fixtures.product("SHARED" + i, price, STOCK), price);
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Map<String, Integer>>> held = new ArrayList<>();

        try (ExecutorService workers = Executors.newFixedThreadPool(WORKERS)) {
            for (int i = 0; i < SAGAS; i++) {
                // 2 to 5 lines over the same five products, listed in a different order each time
                Random random = new Random(i);
                List<String> skus = new ArrayList<>(catalog.keySet());
                Collections.shuffle(skus, random);
                List<OrderLine> lines = skus.subList(0, 2 + random.nextInt(4)).stream()
                        .map(sku -> new OrderLine(sku, 1 + random.nextInt(3)))
                        .toList();
                boolean release = i % 2 == 0;
                held.add(workers.submit(() -> {
                    start.await();
                    return reserveAndMaybeRelease(lines, catalog, release);
                }));
            }
            start.countDown();
        }

        Map<String, Integer> stillHeld = new HashMap<>();
        for (Future<Map<String, Integer>> saga : held) {
            saga.get().forEach((sku, units) -> stillHeld.merge(sku, units, Integer::sum));
        }
        catalog.keySet().forEach(sku -> assertThat(fixtures.available(sku)).as("available %s", sku)
                .isEqualTo(STOCK - stillHeld.getOrDefault(sku, 0)));
    }

    @Test
    void aLineItsLockedStockNoLongerCoversFailsTheWholeReservation() {
        String covered = fixtures.product("COVERED", 400, 10);
        String scarce = fixtures.product("SCARCE", 500, 1);
        UUID saga = UUID.randomUUID();
        List<ReservationLine> lines = List.of(
                new ReservationLine(covered, 2, 400), new ReservationLine(scarce, 2, 500));

        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
            jdbc.sql("SELECT sku FROM product WHERE sku = ANY(:skus) ORDER BY sku FOR UPDATE")
                    .param("skus", new String[] {covered, scarce}).query(String.class).list();
            repository.insertReserved(saga, UUID.randomUUID(), 1_800, lines);
        }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("took 1 of 2 lines");

        assertThat(fixtures.reservationStatus(saga)).as("rolled back").isNull();
        assertThat(fixtures.lineCount(saga)).isZero();
        assertThat(fixtures.available(covered)).isEqualTo(10);
        assertThat(fixtures.available(scarce)).isEqualTo(1);
    }

    @Test
    void releasingAReservationThatIsNoLongerReservedFailsAndGivesNothingBack() {
        String pen = fixtures.product("PEN", 150, 10);
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        transactions.executeWithoutResult(status ->
                reservations.reserve(new ReserveStock(saga, order, List.of(new OrderLine(pen, 4)))));
        transactions.executeWithoutResult(status -> reservations.release(new ReleaseStock(saga, order)));
        List<ReservationLine> onceHeld = List.of(new ReservationLine(pen, 4, 150));

        assertThatThrownBy(() -> transactions.executeWithoutResult(status ->
                repository.release(saga.value(), onceHeld)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no longer RESERVED");

        assertThat(fixtures.available(pen)).as("given back once").isEqualTo(10);
        assertThat(fixtures.reservationStatus(saga.value())).isEqualTo("RELEASED");
    }

    /** Reserves the lines in one transaction and, if asked, releases them in another; returns what it still holds. */
    private Map<String, Integer> reserveAndMaybeRelease(List<OrderLine> lines, Map<String, Long> catalog,
                                                        boolean release) {
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        InventoryReply reply = transactions.execute(status ->
                reservations.reserve(new ReserveStock(saga, order, lines)));

        List<PricedLine> atCatalogPrices = lines.stream()
                .map(l -> new PricedLine(l.sku(), l.quantity(), catalog.get(l.sku())))
                .toList();
        assertThat(reply).isInstanceOf(StockReserved.class);
        StockReserved reserved = (StockReserved) reply;
        assertThat(reserved.lines()).containsExactlyInAnyOrderElementsOf(atCatalogPrices);
        assertThat(reserved.totalCents()).isEqualTo(atCatalogPrices.stream()
                .mapToLong(l -> l.unitPriceCents() * l.quantity()).sum());
        assertThat(fixtures.lineCount(saga.value())).isEqualTo(lines.size());

        Map<String, Integer> held = new HashMap<>();
        lines.forEach(l -> held.put(l.sku(), l.quantity()));
        if (!release) {
            return held;
        }
        StockReleased released = transactions.execute(status -> reservations.release(new ReleaseStock(saga, order)));
        assertThat(released).isEqualTo(new StockReleased(saga, lines.stream().mapToInt(OrderLine::quantity).sum()));
        assertThat(fixtures.reservationStatus(saga.value())).isEqualTo("RELEASED");
        return Map.of();
    }
}
