package com.sagaworks.system;

import com.sagaworks.stack.LocalStack;
import com.sagaworks.stack.Service;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Direct access to the four databases: seeding a test's own products and accounts, and reading what the
 * services wrote, for the invariants (which no HTTP API shows in full).
 */
public final class Db {

    private static final String INSERT_PRODUCT = """
            INSERT INTO product (sku, name, price_cents, available) VALUES (?, ?, ?, ?)
            """;
    private static final String INSERT_ACCOUNT = """
            INSERT INTO account (customer_id, balance_cents) VALUES (?, ?)
            """;
    private static final String SET_AVAILABLE = """
            UPDATE product SET available = ? WHERE sku = ?
            """;
    private static final String SET_BALANCE = """
            UPDATE account SET balance_cents = ? WHERE customer_id = ?
            """;
    private static final String AVAILABLE = """
            SELECT available FROM product WHERE sku = ?
            """;
    /** Units held by live reservations; a RELEASED or REJECTED reservation holds nothing. */
    private static final String RESERVED_UNITS = """
            SELECT coalesce(sum(line.quantity), 0)
            FROM reservation_line line
            JOIN reservation r ON r.saga_id = line.saga_id
            WHERE line.sku = ? AND r.status = 'RESERVED'
            """;
    private static final String RESERVATION_STATUSES_OF_ORDER = """
            SELECT status FROM reservation WHERE order_id = ?
            """;
    private static final String LEDGER_SUM_OF_CUSTOMER = """
            SELECT coalesce(sum(amount_cents), 0) FROM payment_ledger WHERE customer_id = ? AND kind = ?
            """;
    private static final String LEDGER_SUM_OF_ORDER = """
            SELECT coalesce(sum(amount_cents), 0) FROM payment_ledger WHERE order_id = ? AND kind = ?
            """;
    private static final String LEDGER_NET_TOTAL = """
            SELECT coalesce(sum(CASE kind WHEN 'CHARGE' THEN amount_cents ELSE -amount_cents END), 0)
            FROM payment_ledger
            """;
    private static final String CONFIRMED_TOTAL_OF_CUSTOMER = """
            SELECT coalesce(sum(total_cents), 0) FROM orders WHERE customer_id = ? AND status = 'CONFIRMED'
            """;
    private static final String CONFIRMED_TOTAL = """
            SELECT coalesce(sum(total_cents), 0) FROM orders WHERE status = 'CONFIRMED'
            """;
    private static final String ORDERS_WITH_KEY = """
            SELECT count(*) FROM orders WHERE idempotency_key = ?
            """;
    private static final String OUTBOX_ROWS = """
            SELECT count(*) FROM messaging_outbox
            """;

    private static final String ALL_SAGAS = """
            SELECT id, business_key, status, failure_reason FROM saga
            """;
    private static final String ALL_ORDERS = """
            SELECT id, customer_id, status, total_cents FROM orders
            """;
    private static final String ALL_RESERVATIONS = """
            SELECT order_id, status FROM reservation
            """;
    private static final String LEDGER_BY_ORDER = """
            SELECT order_id,
                   coalesce(sum(amount_cents) FILTER (WHERE kind = 'CHARGE'), 0),
                   coalesce(sum(amount_cents) FILTER (WHERE kind = 'REFUND'), 0),
                   count(*) FILTER (WHERE kind = 'CHARGE'),
                   count(DISTINCT saga_id)
            FROM payment_ledger
            GROUP BY order_id
            """;
    private static final String BALANCE = """
            SELECT balance_cents FROM account WHERE customer_id = ?
            """;
    private static final String WAITING_SAGAS = """
            SELECT count(*) FROM saga WHERE status IN ('RUNNING', 'COMPENSATING')
            """;
    /**
     * What the orchestrator's history shows of deadlines and stale replies in a time window: steps re-sent on a
     * deadline, steps given up (compensation started) on one, and replies of the given types ignored, in all and
     * while the saga was already compensating.
     */
    private static final String DEADLINES_AND_IGNORED_REPLIES = """
            SELECT count(*) FILTER (WHERE kind = 'TIMEOUT' AND from_status = to_status AND from_step = to_step),
                   count(*) FILTER (WHERE kind = 'TIMEOUT' AND from_status = 'RUNNING'
                                    AND to_status = 'COMPENSATING'),
                   count(*) FILTER (WHERE kind = 'IGNORED' AND message_type = ANY (?)),
                   count(*) FILTER (WHERE kind = 'IGNORED' AND message_type = ANY (?)
                                    AND from_status = 'COMPENSATING')
            FROM saga_history
            WHERE created_at >= ? AND created_at < ?
            """;
    /** Provider attempts not decided: a command still unanswered, or a refund parked after its retries. */
    private static final String PENDING_PROVIDER_ATTEMPTS = """
            SELECT count(*) FROM provider_attempt WHERE status = 'PENDING'
            """;
    private static final String PENDING_ORDERS = """
            SELECT count(*) FROM orders WHERE status = 'PENDING'
            """;

    /** A saga row as the orchestrator stored it; the business key of a place-order saga is the order id. */
    public record SagaRow(UUID sagaId, String businessKey, String status, String failureReason) {
    }

    public record OrderRow(UUID orderId, String customerId, String status, Long totalCents) {
    }

    /** What the payment ledger holds for one order: sums, how many charges and over how many sagas. */
    public record LedgerOfOrder(UUID orderId, long chargedCents, long refundedCents, long charges, long sagas) {
    }

    /** See {@link #deadlinesAndIgnoredReplies}. */
    public record DeadlineEffects(long resent, long givenUp, long repliesIgnored, long repliesIgnoredCompensating) {
    }

    private final LocalStack stack;

    Db(LocalStack stack) {
        this.stack = stack;
    }

    void insertProduct(String sku, String name, long priceCents, int available) {
        update(Service.INVENTORY, INSERT_PRODUCT, statement -> {
            statement.setString(1, sku);
            statement.setString(2, name);
            statement.setLong(3, priceCents);
            statement.setInt(4, available);
        });
    }

    void insertAccount(String customerId, long balanceCents) {
        update(Service.PAYMENT, INSERT_ACCOUNT, statement -> {
            statement.setString(1, customerId);
            statement.setLong(2, balanceCents);
        });
    }

    /** Overwrites a product's stock behind the services' back: only for proving that a check catches it. */
    void setAvailable(String sku, int available) {
        update(Service.INVENTORY, SET_AVAILABLE, statement -> {
            statement.setInt(1, available);
            statement.setString(2, sku);
        });
    }

    /** Overwrites a balance behind the services' back: only for proving that a check catches it. */
    void setBalance(String customerId, long balanceCents) {
        update(Service.PAYMENT, SET_BALANCE, statement -> {
            statement.setLong(1, balanceCents);
            statement.setString(2, customerId);
        });
    }

    public int available(String sku) {
        return (int) single(Service.INVENTORY, AVAILABLE, statement -> statement.setString(1, sku));
    }

    public long reservedUnits(String sku) {
        return single(Service.INVENTORY, RESERVED_UNITS, statement -> statement.setString(1, sku));
    }

    public List<String> reservationStatuses(UUID orderId) {
        List<String> statuses = new ArrayList<>();
        query(Service.INVENTORY, RESERVATION_STATUSES_OF_ORDER, statement -> statement.setObject(1, orderId),
                row -> statuses.add(row.getString(1)));
        return statuses;
    }

    public long chargedCents(String customerId) {
        return ledgerSumOfCustomer(customerId, "CHARGE");
    }

    public long refundedCents(String customerId) {
        return ledgerSumOfCustomer(customerId, "REFUND");
    }

    public long chargedCents(UUID orderId) {
        return ledgerSumOfOrder(orderId, "CHARGE");
    }

    public long refundedCents(UUID orderId) {
        return ledgerSumOfOrder(orderId, "REFUND");
    }

    /** Charges minus refunds over the whole ledger. */
    public long netChargedCents() {
        return single(Service.PAYMENT, LEDGER_NET_TOTAL, NO_PARAMETERS);
    }

    public long confirmedTotalCents(String customerId) {
        return single(Service.ORDER, CONFIRMED_TOTAL_OF_CUSTOMER, statement -> statement.setString(1, customerId));
    }

    public long confirmedTotalCents() {
        return single(Service.ORDER, CONFIRMED_TOTAL, NO_PARAMETERS);
    }

    public long ordersWithIdempotencyKey(String key) {
        return single(Service.ORDER, ORDERS_WITH_KEY, statement -> statement.setString(1, key));
    }

    public long outboxRows(Service service) {
        return single(service, OUTBOX_ROWS, NO_PARAMETERS);
    }

    public List<SagaRow> sagas() {
        List<SagaRow> sagas = new ArrayList<>();
        query(Service.ORCHESTRATOR, ALL_SAGAS, NO_PARAMETERS, row -> sagas.add(new SagaRow(
                row.getObject(1, UUID.class), row.getString(2), row.getString(3), row.getString(4))));
        return sagas;
    }

    public List<OrderRow> orders() {
        List<OrderRow> orders = new ArrayList<>();
        query(Service.ORDER, ALL_ORDERS, NO_PARAMETERS, row -> orders.add(new OrderRow(
                row.getObject(1, UUID.class), row.getString(2), row.getString(3), row.getObject(4, Long.class))));
        return orders;
    }

    /** Every order's reservation statuses (an order has at most one reservation per saga). */
    public Map<UUID, List<String>> reservationStatusesByOrder() {
        Map<UUID, List<String>> statuses = new HashMap<>();
        query(Service.INVENTORY, ALL_RESERVATIONS, NO_PARAMETERS, row -> statuses
                .computeIfAbsent(row.getObject(1, UUID.class), order -> new ArrayList<>()).add(row.getString(2)));
        return statuses;
    }

    public Map<UUID, LedgerOfOrder> ledgerByOrder() {
        Map<UUID, LedgerOfOrder> ledger = new HashMap<>();
        query(Service.PAYMENT, LEDGER_BY_ORDER, NO_PARAMETERS, row -> {
            UUID orderId = row.getObject(1, UUID.class);
            ledger.put(orderId, new LedgerOfOrder(orderId, row.getLong(2), row.getLong(3), row.getLong(4),
                    row.getLong(5)));
        });
        return ledger;
    }

    public long balanceCents(String customerId) {
        return single(Service.PAYMENT, BALANCE, statement -> statement.setString(1, customerId));
    }

    /** Sagas still RUNNING or COMPENSATING: waiting for a reply or a deadline. */
    public long waitingSagas() {
        return single(Service.ORCHESTRATOR, WAITING_SAGAS, NO_PARAMETERS);
    }

    /**
     * Deadline re-sends and give-ups in {@code [from, to)}, and the replies among {@code replyTypes} (simple class
     * names) the orchestrator ignored meanwhile.
     */
    public DeadlineEffects deadlinesAndIgnoredReplies(Instant from, Instant to, Collection<String> replyTypes) {
        long[] counts = new long[4];
        query(Service.ORCHESTRATOR, DEADLINES_AND_IGNORED_REPLIES, statement -> {
            Array types = statement.getConnection().createArrayOf("text", replyTypes.toArray());
            statement.setArray(1, types);
            statement.setArray(2, types);
            statement.setTimestamp(3, Timestamp.from(from));
            statement.setTimestamp(4, Timestamp.from(to));
        }, row -> {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = row.getLong(i + 1);
            }
        });
        return new DeadlineEffects(counts[0], counts[1], counts[2], counts[3]);
    }

    public long pendingProviderAttempts() {
        return single(Service.PAYMENT, PENDING_PROVIDER_ATTEMPTS, NO_PARAMETERS);
    }

    public long pendingOrders() {
        return single(Service.ORDER, PENDING_ORDERS, NO_PARAMETERS);
    }

    private long ledgerSumOfCustomer(String customerId, String kind) {
        return single(Service.PAYMENT, LEDGER_SUM_OF_CUSTOMER, statement -> {
            statement.setString(1, customerId);
            statement.setString(2, kind);
        });
    }

    private long ledgerSumOfOrder(UUID orderId, String kind) {
        return single(Service.PAYMENT, LEDGER_SUM_OF_ORDER, statement -> {
            statement.setObject(1, orderId);
            statement.setString(2, kind);
        });
    }

    /** Sets a statement's parameters. */
    private interface Parameters {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private interface RowHandler {
        void handle(ResultSet row) throws SQLException;
    }

    private static final Parameters NO_PARAMETERS = statement -> {
    };

    private long single(Service service, String sql, Parameters parameters) {
        long[] value = new long[1];
        int rows = query(service, sql, parameters, row -> value[0] = row.getLong(1));
        if (rows != 1) {
            throw new AssertionError("expected one row from " + service.database() + ", got " + rows + ": " + sql);
        }
        return value[0];
    }

    private int query(Service service, String sql, Parameters parameters, RowHandler handler) {
        try (Connection connection = connect(service); PreparedStatement statement = connection.prepareStatement(sql)) {
            parameters.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                int count = 0;
                while (rows.next()) {
                    handler.handle(rows);
                    count++;
                }
                return count;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query on " + service.database() + " failed (SQLSTATE "
                    + e.getSQLState() + "): " + sql, e);
        }
    }

    private void update(Service service, String sql, Parameters parameters) {
        try (Connection connection = connect(service); PreparedStatement statement = connection.prepareStatement(sql)) {
            parameters.bind(statement);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("update on " + service.database() + " failed (SQLSTATE "
                    + e.getSQLState() + "): " + sql, e);
        }
    }

    private Connection connect(Service service) throws SQLException {
        return DriverManager.getConnection(stack.jdbcUrl(service), stack.databaseUser(), stack.databasePassword());
    }
}
