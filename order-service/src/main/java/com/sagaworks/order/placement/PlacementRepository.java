package com.sagaworks.order.placement;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.order.ClientId;
import com.sagaworks.order.OrderStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Inserts new orders; the unique {@code (client_id, idempotency_key)} decides which of two racing requests
 * creates one. Keys are scoped per client, so two clients never collide on a key.
 */
@Repository
class PlacementRepository {

    /**
     * The order and all its lines in one statement (one round trip), line numbers following the client's order.
     * Two requests with the same key race here: the second waits for the first transaction and then inserts
     * nothing (no row comes back) if it committed, or inserts if it rolled back. The lines hang off the order's
     * {@code RETURNING}, so a conflict inserts no line either.
     */
    private static final String INSERT_ORDER_WITH_LINES = """
            WITH placed AS (
                INSERT INTO orders (id, client_id, customer_id, status, idempotency_key, request_hash)
                VALUES (:id, :clientId, :customerId, 'PENDING', :idempotencyKey, :requestHash)
                ON CONFLICT (client_id, idempotency_key) DO NOTHING
                RETURNING id, created_at
            ), lines AS (
                INSERT INTO order_line (order_id, line_no, sku, quantity)
                SELECT placed.id, l.line_no, l.sku, l.quantity
                  FROM placed,
                       unnest(CAST(:skus AS text[]), CAST(:quantities AS int[])) WITH ORDINALITY AS l(sku, quantity, line_no)
                RETURNING 1
            )
            SELECT created_at, (SELECT count(*) FROM lines) AS lines FROM placed
            """;

    private static final String FIND_BY_IDEMPOTENCY_KEY = """
            SELECT id, status, request_hash
              FROM orders
             WHERE client_id = :clientId AND idempotency_key = :idempotencyKey
            """;

    /** An order an idempotency key already made. */
    record ExistingOrder(OrderId id, OrderStatus status, String requestHash) {
    }

    private final JdbcClient jdbc;

    PlacementRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts the order PENDING with its lines.
     *
     * @return when the order was created, or empty when {@code key} already made an order for this client (then
     * nothing was inserted)
     */
    Optional<Instant> insertIfKeyIsNew(OrderId id, ClientId clientId, CustomerId customerId, IdempotencyKey key,
                                       String requestHash, List<OrderLine> lines) {
        return jdbc.sql(INSERT_ORDER_WITH_LINES)
                .param("id", id.value())
                .param("clientId", clientId.value())
                .param("customerId", customerId.value())
                .param("idempotencyKey", key.value())
                .param("requestHash", requestHash)
                .param("skus", lines.stream().map(OrderLine::sku).toArray(String[]::new))
                .param("quantities", lines.stream().mapToInt(OrderLine::quantity).boxed().toArray(Integer[]::new))
                .query((rs, n) -> {
                    long inserted = rs.getLong("lines");
                    if (inserted != lines.size()) {
                        throw new IllegalStateException("order " + id + ": inserted " + inserted + " of "
                                + lines.size() + " lines");
                    }
                    return rs.getObject("created_at", OffsetDateTime.class).toInstant();
                })
                .optional();
    }

    Optional<ExistingOrder> findByIdempotencyKey(ClientId clientId, IdempotencyKey key) {
        return jdbc.sql(FIND_BY_IDEMPOTENCY_KEY)
                .param("clientId", clientId.value())
                .param("idempotencyKey", key.value())
                .query((rs, n) -> new ExistingOrder(
                        OrderId.of(rs.getObject("id", UUID.class)),
                        OrderStatus.valueOf(rs.getString("status")),
                        rs.getString("request_hash")))
                .optional();
    }
}
