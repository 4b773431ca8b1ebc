package com.sagaworks.order;

import com.sagaworks.contracts.OrderId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OrderRepository#find} reads an order with its lines in one statement (the long poll and every
 * {@code GET} use it), {@link OrderRepository#findAll} several (the watchers, after notifications): lines come back in line order whatever order they were stored in, with their prices
 * where known, and an order is found even without lines.
 */
class OrderReadIT extends OrderServiceITSupport {

    @Autowired
    private OrderRepository orders;

    @Test
    void readsTheOrderWithItsLinesInLineOrder() {
        UUID id = insertOrder("CONFIRMED", 4200L);
        insertLine(id, 3, "SKU-C", 1, 2000L);
        insertLine(id, 1, "SKU-A", 2, 1000L);
        insertLine(id, 2, "SKU-B", 5, 40L);

        Order order = orders.find(OrderId.of(id)).orElseThrow();

        assertThat(order.status()).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(order.totalCents()).isEqualTo(4200L);
        assertThat(order.clientId()).isEqualTo(ClientId.of("read-client"));
        assertThat(order.lines()).containsExactly(
                new Order.Line(1, "SKU-A", 2, 1000L),
                new Order.Line(2, "SKU-B", 5, 40L),
                new Order.Line(3, "SKU-C", 1, 2000L));
    }

    @Test
    void readsAPendingOrderWithUnpricedLines() {
        UUID id = insertOrder("PENDING", null);
        insertLine(id, 1, "SKU-A", 1, null);

        Order order = orders.find(OrderId.of(id)).orElseThrow();

        assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(order.lines()).containsExactly(new Order.Line(1, "SKU-A", 1, null));
    }

    @Test
    void findsAnOrderWithoutLinesAndNothingForAnUnknownId() {
        UUID id = insertOrder("PENDING", null);

        assertThat(orders.find(OrderId.of(id)).orElseThrow().lines()).isEmpty();
        assertThat(orders.find(OrderId.random())).isEmpty();
    }

    @Test
    void readsSeveralOrdersWithTheirLinesInOneStatementAndSkipsUnknownIds() {
        UUID twoLines = insertOrder("CONFIRMED", 2040L);
        insertLine(twoLines, 2, "SKU-B", 1, 40L);
        insertLine(twoLines, 1, "SKU-A", 2, 1000L);
        UUID noLines = insertOrder("PENDING", null);
        UUID oneLine = insertOrder("PENDING", null);
        insertLine(oneLine, 1, "SKU-C", 3, null);

        List<Order> found = orders.findAll(List.of(OrderId.of(oneLine), OrderId.random(), OrderId.of(twoLines),
                OrderId.of(noLines)));

        assertThat(found).extracting(Order::id)
                .containsExactlyInAnyOrder(OrderId.of(twoLines), OrderId.of(noLines), OrderId.of(oneLine));
        Map<OrderId, Order> byId = found.stream().collect(Collectors.toMap(Order::id, order -> order));
        assertThat(byId.get(OrderId.of(twoLines)).lines()).containsExactly(
                new Order.Line(1, "SKU-A", 2, 1000L),
                new Order.Line(2, "SKU-B", 1, 40L));
        assertThat(byId.get(OrderId.of(twoLines)).status()).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(byId.get(OrderId.of(noLines)).lines()).isEmpty();
        assertThat(byId.get(OrderId.of(oneLine)).lines()).containsExactly(new Order.Line(1, "SKU-C", 3, null));
        assertThat(orders.findAll(List.of())).isEmpty();
    }

    private UUID insertOrder(String status, Long totalCents) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO orders (id, client_id, customer_id, status, total_cents, idempotency_key, request_hash)
                        VALUES (:id, 'read-client', 'read-customer', 'PENDING', NULL, :key, 'v1:test')
                        """)
                .param("id", id).param("key", id.toString()).update();
        if (!"PENDING".equals(status)) {
            jdbc.sql("UPDATE orders SET status = :status, total_cents = :total, version = version + 1 WHERE id = :id")
                    .param("status", status).param("total", totalCents).param("id", id).update();
        }
        return id;
    }

    private void insertLine(UUID orderId, int lineNo, String sku, int quantity, Long unitPriceCents) {
        jdbc.sql("""
                        INSERT INTO order_line (order_id, line_no, sku, quantity, unit_price_cents)
                        VALUES (:id, :lineNo, :sku, :quantity, :price)
                        """)
                .param("id", orderId).param("lineNo", lineNo).param("sku", sku).param("quantity", quantity)
                .param("price", unitPriceCents).update();
    }
}
