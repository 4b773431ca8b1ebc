package com.sagaworks.order;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.util.PSQLException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The database guards orders on its own: these tests write SQL directly, bypassing the Java code, and expect
 * PostgreSQL to refuse every move that {@link OrderStatus} does not allow. They also check the session limits
 * every pooled connection runs with, the status notifications waiting requests rely on, and the plan of the
 * listing query.
 */
class OrderDatabaseIT extends OrderServiceITSupport {

    private static final String CHECK_VIOLATION = "23514";

    private static final String INSERT_ORDER = """
            INSERT INTO orders (id, client_id, customer_id, status, idempotency_key, request_hash)
            VALUES (:id, 'sql-client', 'sql-customer', :status, :key, 'v1:test')
            """;

    private static final String INSERT_LINE = """
            INSERT INTO order_line (order_id, line_no, sku, quantity) VALUES (:id, 1, 'SKU-SQL', 2)
            """;

    /** Each status's SET clause, with the fields that status requires. */
    private static final Map<OrderStatus, String> MOVE_TO = Map.of(
            OrderStatus.PENDING, "status = 'PENDING', reason = NULL, total_cents = NULL",
            OrderStatus.CONFIRMED, "status = 'CONFIRMED', reason = NULL, total_cents = 200",
            OrderStatus.CANCELLED, "status = 'CANCELLED', reason = 'OUT_OF_STOCK'");

    @Autowired
    private DataSource dataSource;

    @Test
    void everySessionRunsWithShortLockStatementAndIdleTransactionTimeouts() {
        assertThat(jdbc.sql("SELECT current_setting('lock_timeout')").query(String.class).single()).isEqualTo("2s");
        assertThat(jdbc.sql("SELECT current_setting('statement_timeout')").query(String.class).single()).isEqualTo("10s");
        assertThat(jdbc.sql("SELECT current_setting('idle_in_transaction_session_timeout')").query(String.class).single())
                .isEqualTo("30s");
    }

    @Test
    void databaseTransitionTableIsTheOneInCode() {
        Set<String> inDatabase = new HashSet<>(jdbc.sql("SELECT from_status || '->' || to_status FROM order_status_transition")
                .query(String.class).list());
        Set<String> inCode = new HashSet<>();
        for (OrderStatus from : OrderStatus.values()) {
            from.next().forEach(to -> inCode.add(from + "->" + to));
        }

        assertThat(inDatabase).isEqualTo(inCode);
    }

    @Test
    void databaseAllowsExactlyTheStatusChangesThatOrderStatusAllows() {
        for (OrderStatus from : OrderStatus.values()) {
            for (OrderStatus to : EnumSet.complementOf(EnumSet.of(from))) {
                UUID id = orderIn(from);

                if (from.canMoveTo(to)) {
                    assertThat(moveTo(id, to)).as(from + " -> " + to).isOne();
                    assertThat(statusOf(id)).isEqualTo(to.name());
                } else {
                    assertRefused(() -> moveTo(id, to), from + " -> " + to);
                    assertThat(statusOf(id)).as("unchanged after refused " + from + " -> " + to).isEqualTo(from.name());
                }
            }
        }
    }

    @Test
    void refusesToTakeAConfirmedOrderBackToPending() {
        UUID id = orderIn(OrderStatus.CONFIRMED);

        assertRefused(() -> moveTo(id, OrderStatus.PENDING), "CONFIRMED -> PENDING");
        assertThat(statusOf(id)).isEqualTo("CONFIRMED");
    }

    @Test
    void refusesToConfirmACancelledOrder() {
        UUID id = orderIn(OrderStatus.CANCELLED);

        assertRefused(() -> moveTo(id, OrderStatus.CONFIRMED), "CANCELLED -> CONFIRMED");
        assertThat(statusOf(id)).isEqualTo("CANCELLED");
    }

    @Test
    void refusesAnyChangeToAFinalOrder() {
        UUID id = orderIn(OrderStatus.CONFIRMED);

        assertRefused(() -> update(id, "total_cents = 1"), "changing the total of a CONFIRMED order");
        assertThat(jdbc.sql("SELECT total_cents FROM orders WHERE id = :id").param("id", id).query(Long.class).single())
                .isEqualTo(200);
    }

    @Test
    void refusesToCancelWithoutAReason() {
        UUID id = orderIn(OrderStatus.PENDING);

        assertRefused(() -> update(id, "status = 'CANCELLED'"), "CANCELLED without a reason");
        assertThat(statusOf(id)).isEqualTo("PENDING");
    }

    @Test
    void refusesToConfirmWithoutATotal() {
        UUID id = orderIn(OrderStatus.PENDING);
        jdbc.sql("UPDATE order_line SET unit_price_cents = 100 WHERE order_id = :id").param("id", id).update();

        assertRefused(() -> update(id, "status = 'CONFIRMED'"), "CONFIRMED without a total");
        assertThat(statusOf(id)).isEqualTo("PENDING");
    }

    @Test
    void refusesToConfirmWhileALineHasNoPrice() {
        UUID id = orderIn(OrderStatus.PENDING);
        jdbc.sql("UPDATE order_line SET unit_price_cents = NULL WHERE order_id = :id").param("id", id).update();

        assertRefused(() -> update(id, "status = 'CONFIRMED', total_cents = 200"), "CONFIRMED with an unpriced line");
        assertThat(statusOf(id)).isEqualTo("PENDING");
    }

    @Test
    void refusesToCreateAnOrderThatIsNotPending() {
        UUID id = UUID.randomUUID();

        assertRefused(() -> jdbc.sql(INSERT_ORDER).params(Map.of("id", id, "status", "CONFIRMED", "key", "k-" + id)).update(),
                "created CONFIRMED");
        assertThat(count("SELECT count(*) FROM orders WHERE id = :id", Map.of("id", id))).isZero();
    }

    @Test
    void refusesAnUpdateThatDoesNotBumpTheVersionByOne() {
        UUID id = orderIn(OrderStatus.PENDING);

        assertRefused(() -> jdbc.sql("UPDATE orders SET status = 'CANCELLED', reason = 'TIMED_OUT' WHERE id = :id")
                .param("id", id).update(), "a status change without a version bump");
        assertRefused(() -> update(id, "version = version + 2, status = 'CANCELLED', reason = 'TIMED_OUT'"),
                "a version jump by two");
        assertThat(statusOf(id)).isEqualTo("PENDING");
    }

    @Test
    void refusesToChangeWhoseOrderItIs() {
        UUID id = orderIn(OrderStatus.PENDING);

        assertRefused(() -> update(id, "customer_id = 'someone-else'"), "changing the customer");
    }

    @Test
    void refusesToChangeWhichClientOwnsTheOrder() {
        UUID id = orderIn(OrderStatus.PENDING);

        assertRefused(() -> update(id, "client_id = 'someone-else'"), "changing the owning client");
        assertThat(jdbc.sql("SELECT client_id FROM orders WHERE id = :id").param("id", id).query(String.class).single())
                .isEqualTo("sql-client");
    }

    @Test
    void scopesTheIdempotencyKeyToTheClient() {
        String key = "shared-" + UUID.randomUUID();
        String insert = """
                INSERT INTO orders (id, client_id, customer_id, status, idempotency_key, request_hash)
                VALUES (gen_random_uuid(), :client, 'sql-customer', 'PENDING', :key, 'v1:test')
                """;

        jdbc.sql(insert).params(Map.of("client", "client-one", "key", key)).update();
        jdbc.sql(insert).params(Map.of("client", "client-two", "key", key)).update();

        DataAccessException duplicate = catchThrowableOfType(DataAccessException.class,
                () -> jdbc.sql(insert).params(Map.of("client", "client-one", "key", key)).update());
        assertThat(((PSQLException) duplicate.getMostSpecificCause()).getSQLState()).isEqualTo("23505");
        assertThat(count("SELECT count(*) FROM orders WHERE idempotency_key = :key", Map.of("key", key))).isEqualTo(2);
    }

    @Test
    void announcesEveryCommittedStatusChangeOnTheOrderStatusChannel() throws Exception {
        UUID confirmed = orderIn(OrderStatus.PENDING);
        UUID rolledBack = orderIn(OrderStatus.PENDING);
        try (Connection listener = dataSource.getConnection()) {
            listener.setAutoCommit(true);
            try (Statement statement = listener.createStatement()) {
                statement.execute("LISTEN order_status");
            }
            try {
                assertThat(moveTo(confirmed, OrderStatus.CONFIRMED)).isOne();
                try (Connection writer = dataSource.getConnection()) {
                    writer.setAutoCommit(false);
                    try (Statement statement = writer.createStatement()) {
                        statement.executeUpdate("UPDATE orders SET status = 'CANCELLED', reason = 'TIMED_OUT',"
                                + " version = version + 1 WHERE id = '" + rolledBack + "'");
                    }
                    writer.rollback();
                }

                List<String> heard = new ArrayList<>();
                PGConnection pg = listener.unwrap(PGConnection.class);
                await().atMost(TIMEOUT).until(() -> {
                    PGNotification[] notifications = pg.getNotifications(100);
                    if (notifications != null) {
                        Arrays.stream(notifications).map(PGNotification::getParameter).forEach(heard::add);
                    }
                    return !heard.isEmpty();
                });
                assertThat(heard).containsExactly(confirmed.toString());
            } finally {
                try (Statement statement = listener.createStatement()) {
                    statement.execute("UNLISTEN *");
                }
            }
        }
    }

    @Test
    void listsACustomersOrdersFromTheIndexWithoutSorting() {
        // A customer with a long history among many others: a page must not sort all of it.
        jdbc.sql("""
                INSERT INTO orders (id, client_id, customer_id, status, idempotency_key, request_hash, created_at)
                SELECT gen_random_uuid(),
                       CASE WHEN n % 2 = 0 THEN 'big-client' ELSE 'client-' || (n % 20) END,
                       CASE WHEN n % 2 = 0 THEN 'big-customer' ELSE 'customer-' || (n % 500) END,
                       'PENDING', 'plan-' || n, 'v1:test', now() - n * interval '1 second'
                  FROM generate_series(1, 20000) AS n
                """).update();
        jdbc.sql("ANALYZE orders").update();

        String plan = String.join("\n", jdbc.sql("EXPLAIN " + OrderRepository.CUSTOMER_PAGE)
                .param("clientId", "big-client")
                .param("customerId", "big-customer")
                .param("limit", 21)
                .param("offset", 40L)
                .query(String.class).list());

        assertThat(plan).contains("Index Scan using orders_client_customer_newest").doesNotContain("Sort", "Seq Scan");
    }

    /** An order in {@code status}, reached through the allowed path, with one line priced as confirmation needs. */
    private UUID orderIn(OrderStatus status) {
        UUID id = UUID.randomUUID();
        jdbc.sql(INSERT_ORDER).params(Map.of("id", id, "status", "PENDING", "key", "k-" + id)).update();
        jdbc.sql(INSERT_LINE).param("id", id).update();
        jdbc.sql("UPDATE order_line SET unit_price_cents = 100 WHERE order_id = :id").param("id", id).update();
        if (status != OrderStatus.PENDING) {
            assertThat(moveTo(id, status)).isOne();
        }
        return id;
    }

    private int moveTo(UUID id, OrderStatus status) {
        return update(id, MOVE_TO.get(status));
    }

    /** Runs {@code UPDATE orders SET <set>} on one order, bumping the version as every legal writer must. */
    private int update(UUID id, String set) {
        String sql = "UPDATE orders SET " + set + (set.contains("version") ? "" : ", version = version + 1")
                + " WHERE id = :id";
        return jdbc.sql(sql).param("id", id).update();
    }

    private static void assertRefused(Runnable statement, String what) {
        DataAccessException refused = catchThrowableOfType(DataAccessException.class, statement::run);
        assertThat(refused).as(what + " must be refused").isNotNull();
        assertThat(refused.getMostSpecificCause()).isInstanceOf(PSQLException.class);
        assertThat(((PSQLException) refused.getMostSpecificCause()).getSQLState()).as(what).isEqualTo(CHECK_VIOLATION);
    }
}
