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
     * Two requests with the same key race here: the second INSERT waits for the first transaction and then
     * does nothing (RETURNING yields no row) if it committed, or inserts if it rolled back.
     */
    private static final String INSERT_ORDER = """
            INSERT INTO orders (id, client_id, customer_id, status, idempotency_key, request_hash)
            VALUES (:id, :clientId, :customerId, 'PENDING', :idempotencyKey, :requestHash)
            ON CONFLICT (client_id, idempotency_key) DO NOTHING
            RETURNING created_at
            """;

    /** All lines in one round trip; line numbers follow the client's order. */
    private static final String INSERT_LINES = """
            INSERT INTO order_line (order_id, line_no, sku, quantity)
            SELECT :orderId, l.line_no, l.sku, l.quantity
              FROM unnest(CAST(:skus AS text[]), CAST(:quantities AS int[])) WITH ORDINALITY AS l(sku, quantity, line_no)
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

    /** @return when the order was created, or empty when {@code key} already made an order for this client */
    Optional<Instant> insertIfKeyIsNew(OrderId id, ClientId clientId, CustomerId customerId, IdempotencyKey key,
                                       String requestHash) {
        return jdbc.sql(INSERT_ORDER)
                .param("id", id.value())
                .param("clientId", clientId.value())
                .param("customerId", customerId.value())
                .param("idempotencyKey", key.value())
                .param("requestHash", requestHash)
                .query((rs, n) -> rs.getObject("created_at", OffsetDateTime.class).toInstant())
                .optional();
    }

    void insertLines(OrderId id, List<OrderLine> lines) {
        int inserted = jdbc.sql(INSERT_LINES)
                .param("orderId", id.value())
                .param("skus", lines.stream().map(OrderLine::sku).toArray(String[]::new))
                .param("quantities", lines.stream().mapToInt(OrderLine::quantity).boxed().toArray(Integer[]::new))
                .update();
        if (inserted != lines.size()) {
            throw new IllegalStateException("order " + id + ": inserted " + inserted + " of " + lines.size() + " lines");
        }
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
