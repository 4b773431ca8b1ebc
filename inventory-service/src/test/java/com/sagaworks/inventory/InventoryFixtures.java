package com.sagaworks.inventory;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Test data and invariants of inventory's database. Remembers the initial stock of every product it creates,
 * so a test can check that stock is conserved: initial = available + units held by RESERVED reservations.
 */
public final class InventoryFixtures {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final Map<String, Integer> initialStock = new ConcurrentHashMap<>();

    public InventoryFixtures(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Adds a product under a fresh sku that starts with {@code label}; returns the sku. */
    public String product(String label, long priceCents, int available) {
        String sku = label + "-" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.sql("""
                        INSERT INTO product (sku, name, price_cents, available)
                        VALUES (:sku, :name, :priceCents, :available)
                        """)
                .param("sku", sku)
                .param("name", "Test " + label)
                .param("priceCents", priceCents)
                .param("available", available)
                .update();
        initialStock.put(sku, available);
        return sku;
    }

    public int available(String sku) {
        return jdbc.sql("SELECT available FROM product WHERE sku = :sku").param("sku", sku)
                .query(Integer.class).single();
    }

    /** The reservation's status, or {@code null} when the saga has none. */
    public String reservationStatus(UUID sagaId) {
        return jdbc.sql("SELECT status FROM reservation WHERE saga_id = :sagaId").param("sagaId", sagaId)
                .query(String.class).optional().orElse(null);
    }

    public int lineCount(UUID sagaId) {
        return jdbc.sql("SELECT count(*) FROM reservation_line WHERE saga_id = :sagaId").param("sagaId", sagaId)
                .query(Integer.class).single();
    }

    public int reservationCount(String status) {
        return jdbc.sql("SELECT count(*) FROM reservation WHERE status = :status").param("status", status)
                .query(Integer.class).single();
    }

    /** Every product this fixture created: initial stock = available + units of RESERVED reservations. */
    public void assertStockConserved() {
        Map<String, Integer> accountedFor = new HashMap<>();
        jdbc.sql("""
                        SELECT p.sku,
                               p.available + coalesce((SELECT sum(l.quantity)
                                                       FROM reservation_line l
                                                       JOIN reservation r ON r.saga_id = l.saga_id
                                                       WHERE l.sku = p.sku AND r.status = 'RESERVED'), 0) AS units
                        FROM product p
                        WHERE p.sku = ANY(:skus)
                        """)
                .param("skus", initialStock.keySet().toArray(String[]::new))
                .query((rs, row) -> accountedFor.put(rs.getString("sku"), rs.getInt("units")))
                .list();
        assertThat(accountedFor).as("initial stock = available + reserved units").isEqualTo(initialStock);
    }

    /** Waits until the relay has published everything: nothing may be left behind in the outbox. */
    public void awaitOutboxEmpty() {
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Integer.class).single())
                .as("rows waiting in messaging_outbox").isZero());
    }
}
