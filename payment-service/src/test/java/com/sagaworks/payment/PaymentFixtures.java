package com.sagaworks.payment;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Test data and invariants of payment's database. Remembers the opening balance of every account it
 * creates, so a test can check that money is conserved: opening balances = balances + charges - refunds.
 */
public final class PaymentFixtures {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final JdbcClient jdbc;
    private final Map<String, Long> openingBalances = new ConcurrentHashMap<>();

    public PaymentFixtures(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Opens an account under a fresh customer id that starts with {@code label}; returns the id. */
    public String account(String label, long balanceCents) {
        String customer = label + "-" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.sql("INSERT INTO account (customer_id, balance_cents) VALUES (:customer, :balance)")
                .param("customer", customer)
                .param("balance", balanceCents)
                .update();
        openingBalances.put(customer, balanceCents);
        return customer;
    }

    public long balance(String customer) {
        return jdbc.sql("SELECT balance_cents FROM account WHERE customer_id = :customer")
                .param("customer", customer).query(Long.class).single();
    }

    /** The saga's ledger rows as {@code KIND:amount}, oldest first. */
    public List<String> ledger(UUID sagaId) {
        return jdbc.sql("SELECT kind || ':' || amount_cents FROM payment_ledger WHERE saga_id = :saga ORDER BY id")
                .param("saga", sagaId).query(String.class).list();
    }

    /** Every account this fixture opened: opening balance = balance + charges - refunds. */
    public void assertMoneyConserved() {
        Map<String, Long> accountedFor = new HashMap<>();
        jdbc.sql("""
                        SELECT a.customer_id,
                               a.balance_cents
                               + coalesce((SELECT sum(CASE l.kind WHEN 'CHARGE' THEN l.amount_cents
                                                                  ELSE -l.amount_cents END)
                                           FROM payment_ledger l
                                           WHERE l.customer_id = a.customer_id), 0) AS cents
                        FROM account a
                        WHERE a.customer_id = ANY(:customers)
                        """)
                .param("customers", openingBalances.keySet().toArray(String[]::new))
                .query((rs, row) -> accountedFor.put(rs.getString("customer_id"), rs.getLong("cents")))
                .list();
        assertThat(accountedFor).as("opening balance = balance + charges - refunds").isEqualTo(openingBalances);
    }

    /** Waits until the relay has published everything: nothing may be left behind in the outbox. */
    public void awaitOutboxEmpty() {
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Integer.class).single())
                .as("rows waiting in messaging_outbox").isZero());
    }
}
