package com.sagaworks.order;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.order.CancellationReason;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads orders and moves them between statuses. Every status change is guarded in SQL by the status and
 * version it was read with and must touch exactly one row; the caller holds the row lock
 * ({@link #lock(OrderId)}), so a miss means the invariant is broken, never a lost race to retry.
 */
@Repository
public class OrderRepository {

    /**
     * Orders joined with their lines: a row per line (one row with null line columns for an order without lines).
     * Every read of whole orders starts with it, so each reads an order and its lines in one statement, hence one
     * snapshot and one round trip.
     */
    private static final String ORDERS_WITH_LINES = """
            SELECT o.id, o.client_id, o.customer_id, o.status, o.reason, o.total_cents, o.version, o.created_at,
                   o.updated_at, l.line_no, l.sku, l.quantity, l.unit_price_cents
              FROM orders o
              LEFT JOIN order_line l ON l.order_id = o.id
            """;

    private static final String SELECT_ORDER_WITH_LINES = ORDERS_WITH_LINES + """
             WHERE o.id = :id
             ORDER BY l.line_no
            """;

    /**
     * {@link #SELECT_ORDER_WITH_LINES} under the order's row lock. Only the order row is locked and, after a lock
     * wait, read again as the holder committed it; its lines come from the statement's snapshot (see {@link #lock}).
     */
    private static final String LOCK_ORDER_WITH_LINES = SELECT_ORDER_WITH_LINES.stripTrailing() + "\n   FOR UPDATE OF o\n";

    /**
     * One page of a customer's orders as one client placed them, newest first. Served by the index
     * {@code orders_client_customer_newest}; {@code id} breaks ties so that pages never overlap or skip.
     */
    static final String CUSTOMER_PAGE = """
            SELECT id, client_id, customer_id, status, reason, total_cents, version, created_at, updated_at
              FROM orders
             WHERE client_id = :clientId AND customer_id = :customerId
             ORDER BY created_at DESC, id DESC
             LIMIT :limit OFFSET :offset
            """;

    /** Several orders with their lines; the rows of an order follow each other. */
    private static final String SELECT_ORDERS_WITH_LINES = ORDERS_WITH_LINES + """
             WHERE o.id = ANY (CAST(:ids AS uuid[]))
             ORDER BY o.id, l.line_no
            """;

    private static final String SELECT_LINES_OF_MANY = """
            SELECT order_id, line_no, sku, quantity, unit_price_cents
              FROM order_line
             WHERE order_id = ANY (CAST(:orderIds AS uuid[]))
             ORDER BY order_id, line_no
            """;

    /**
     * Prices the lines and confirms the order in one statement. A line is priced only if its sku and quantity match
     * and it has no price yet; {@code priced} counts them, so the caller can tell that every line matched.
     */
    private static final String CONFIRM = """
            WITH priced AS (
                UPDATE order_line AS l
                   SET unit_price_cents = p.unit_price_cents
                  FROM unnest(CAST(:skus AS text[]), CAST(:quantities AS int[]), CAST(:prices AS bigint[]))
                       AS p (sku, quantity, unit_price_cents)
                 WHERE l.order_id = :id AND l.sku = p.sku AND l.quantity = p.quantity AND l.unit_price_cents IS NULL
                RETURNING 1
            )
            UPDATE orders
               SET status = 'CONFIRMED', total_cents = :totalCents, version = version + 1, updated_at = now()
             WHERE id = :id AND status = 'PENDING' AND version = :version
            RETURNING updated_at, (SELECT count(*) FROM priced) AS priced
            """;

    private static final String CANCEL = """
            UPDATE orders
               SET status = 'CANCELLED', reason = :reason, version = version + 1, updated_at = now()
             WHERE id = :id AND status = 'PENDING' AND version = :version
            RETURNING updated_at
            """;

    private final JdbcClient jdbc;

    OrderRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The order as committed, with its lines; one statement. */
    public Optional<Order> find(OrderId id) {
        return jdbc.sql(SELECT_ORDER_WITH_LINES)
                .param("id", id.value())
                .query((ResultSetExtractor<List<Order>>) OrderRepository::ordersWithLines)
                .stream().findFirst();
    }

    /** The orders of {@code ids} that exist, as committed, with their lines; one statement. */
    public List<Order> findAll(Collection<OrderId> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(SELECT_ORDERS_WITH_LINES)
                .param("ids", ids.stream().map(id -> id.value().toString()).toArray(String[]::new))
                .query((ResultSetExtractor<List<Order>>) OrderRepository::ordersWithLines);
    }

    /**
     * A page of {@code customerId}'s orders placed by {@code clientId}, newest first, with their lines.
     *
     * @param page zero-based
     */
    public OrderSlice page(ClientId clientId, CustomerId customerId, int page, int size) {
        // One row more than asked tells whether another page follows, without counting the customer's history.
        List<Order> found = jdbc.sql(CUSTOMER_PAGE)
                .param("clientId", clientId.value())
                .param("customerId", customerId.value())
                .param("limit", size + 1)
                .param("offset", (long) page * size)
                .query((rs, n) -> order(rs))
                .list();
        boolean hasNext = found.size() > size;
        List<Order> orders = hasNext ? found.subList(0, size) : found;
        return new OrderSlice(withLines(orders), hasNext);
    }

    /** Orders of one page, and whether another page follows. */
    public record OrderSlice(List<Order> orders, boolean hasNext) {
    }

    /**
     * Reads the order with its lines and holds the order's row lock until the transaction ends; one statement. The
     * lines' skus and quantities are exact; their prices are as committed when the order is PENDING (only
     * {@link #confirm} sets them, under this lock), but after a lock wait may predate the confirmation that the wait
     * was for.
     */
    public Optional<Order> lock(OrderId id) {
        return jdbc.sql(LOCK_ORDER_WITH_LINES)
                .param("id", id.value())
                .query((ResultSetExtractor<List<Order>>) OrderRepository::ordersWithLines)
                .stream().findFirst();
    }

    /**
     * PENDING → CONFIRMED at inventory's prices, in one statement. {@code lines} must match the order's lines one
     * for one (same skus and quantities), which the caller has checked.
     *
     * @return when the order was confirmed
     */
    public Instant confirm(Order order, List<PricedLine> lines, long totalCents) {
        order.status().requireMoveTo(OrderStatus.CONFIRMED);
        return jdbc.sql(CONFIRM)
                .param("id", order.id().value())
                .param("version", order.version())
                .param("totalCents", totalCents)
                .param("skus", lines.stream().map(PricedLine::sku).toArray(String[]::new))
                .param("quantities", lines.stream().map(PricedLine::quantity).toArray(Integer[]::new))
                .param("prices", lines.stream().map(PricedLine::unitPriceCents).toArray(Long[]::new))
                .query((rs, n) -> {
                    long priced = rs.getLong("priced");
                    if (priced != lines.size()) {
                        throw new IllegalStateException("order " + order.id() + ": priced " + priced + " of "
                                + lines.size() + " lines");
                    }
                    return instant(rs, "updated_at");
                })
                .optional()
                .orElseThrow(() -> changedUnderLock(order, OrderStatus.CONFIRMED));
    }

    /**
     * PENDING → CANCELLED with {@code reason}.
     *
     * @return when the order was cancelled
     */
    public Instant cancel(Order order, CancellationReason reason) {
        order.status().requireMoveTo(OrderStatus.CANCELLED);
        return jdbc.sql(CANCEL)
                .param("id", order.id().value())
                .param("version", order.version())
                .param("reason", reason.name())
                .query((rs, n) -> instant(rs, "updated_at"))
                .optional()
                .orElseThrow(() -> changedUnderLock(order, OrderStatus.CANCELLED));
    }

    private static IllegalStateException changedUnderLock(Order order, OrderStatus target) {
        return new IllegalStateException("order " + order.id() + " is no longer " + order.status() + " at version "
                + order.version() + "; refusing to move it to " + target);
    }

    /** Reads the rows of {@link #ORDERS_WITH_LINES}: per order, a row per line, in a run. */
    private static List<Order> ordersWithLines(ResultSet rs) throws SQLException {
        List<Order> orders = new ArrayList<>();
        boolean more = rs.next();
        while (more) {
            Order order = order(rs);
            List<Order.Line> lines = new ArrayList<>();
            do {
                if (rs.getObject("line_no") != null) {
                    lines.add(line(rs));
                }
                more = rs.next();
            } while (more && rs.getObject("id", UUID.class).equals(order.id().value()));
            orders.add(order.withLines(lines));
        }
        return orders;
    }

    private List<Order> withLines(List<Order> orders) {
        if (orders.isEmpty()) {
            return orders;
        }
        Map<UUID, List<Order.Line>> lines = new HashMap<>();
        jdbc.sql(SELECT_LINES_OF_MANY)
                .param("orderIds", orders.stream().map(o -> o.id().value().toString()).toArray(String[]::new))
                .query((RowCallbackHandler) rs ->
                        lines.computeIfAbsent(rs.getObject("order_id", UUID.class), id -> new ArrayList<>()).add(line(rs)));
        return orders.stream().map(o -> o.withLines(lines.getOrDefault(o.id().value(), List.of()))).toList();
    }

    private static Order.Line line(ResultSet rs) throws SQLException {
        return new Order.Line(
                rs.getInt("line_no"),
                rs.getString("sku"),
                rs.getInt("quantity"),
                rs.getObject("unit_price_cents", Long.class));
    }

    private static Order order(ResultSet rs) throws SQLException {
        String reason = rs.getString("reason");
        return new Order(
                OrderId.of(rs.getObject("id", UUID.class)),
                ClientId.of(rs.getString("client_id")),
                CustomerId.of(rs.getString("customer_id")),
                OrderStatus.valueOf(rs.getString("status")),
                reason == null ? null : CancellationReason.valueOf(reason),
                rs.getObject("total_cents", Long.class),
                rs.getInt("version"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                List.of());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
