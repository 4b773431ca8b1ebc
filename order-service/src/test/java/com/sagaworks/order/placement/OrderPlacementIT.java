package com.sagaworks.order.placement;

import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.order.OrderPlaced;
import com.sagaworks.order.OrderServiceITSupport;
import com.sagaworks.testing.KafkaTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OrderPlacementIT extends OrderServiceITSupport {

    @Autowired
    private DataSource dataSource;

    private static final String COUNT_BY_KEY = "SELECT count(*) FROM orders WHERE idempotency_key = :key";

    /** A trigger function the failure-injection tests attach to {@code order_line} for one request. */
    @BeforeEach
    void failureInjection() {
        jdbc.sql("""
                CREATE OR REPLACE FUNCTION test_fail_line() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'injected failure on line %', NEW.sku USING ERRCODE = 'check_violation';
                END
                $$""").update();
    }

    @Test
    void placesPendingOrderAndPublishesOrderPlacedKeyedByOrderId() {
        String key = newKey();
        Map<String, Integer> lines = new LinkedHashMap<>();
        lines.put("SKU-APPLE", 2);
        lines.put("SKU-PEAR", 1);

        HttpResponse<String> response = postOrder(key, orderBody("alice", lines));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
        JsonNode body = json(response);
        UUID orderId = UUID.fromString(body.get("orderId").asString());
        assertThat(body.get("status").asString()).isEqualTo("PENDING");
        assertThat(response.headers().firstValue("Location")).hasValue("/orders/" + orderId);

        assertThat(statusOf(orderId)).isEqualTo("PENDING");
        assertThat(count("SELECT count(*) FROM order_line WHERE order_id = :id", Map.of("id", orderId))).isEqualTo(2);
        assertThat(jdbc.sql("SELECT total_cents FROM orders WHERE id = :id").param("id", orderId)
                .query(Long.class).optional()).isEmpty();

        KafkaTestClient.Received placed = kafka.awaitOne(Topics.ORDER_EVENTS, orderId.toString(), TIMEOUT);
        assertThat(placed.type()).isEqualTo("OrderPlaced");
        OrderPlaced event = placed.as(OrderPlaced.class);
        assertThat(event.orderId().value()).isEqualTo(orderId);
        assertThat(event.customerId().value()).isEqualTo("alice");
        assertThat(event.lines()).containsExactly(new OrderLine("SKU-APPLE", 2), new OrderLine("SKU-PEAR", 1));
        assertThat(event.placedAt()).isNotNull();
        await().atMost(TIMEOUT).until(() -> outboxSize() == 0);
    }

    @Test
    void showsThePlacedOrderWithItsLinesAndNoPricesYet() {
        UUID orderId = placeOrder("bob", Map.of("SKU-BOOK", 3));

        HttpResponse<String> response = get("/orders/" + orderId);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode order = json(response);
        assertThat(order.get("orderId").asString()).isEqualTo(orderId.toString());
        assertThat(order.get("customerId").asString()).isEqualTo("bob");
        assertThat(order.get("status").asString()).isEqualTo("PENDING");
        assertThat(order.get("reason").isNull()).isTrue();
        assertThat(order.get("totalCents").isNull()).isTrue();
        assertThat(order.get("lines")).hasSize(1);
        assertThat(order.get("lines").get(0).get("sku").asString()).isEqualTo("SKU-BOOK");
        assertThat(order.get("lines").get(0).get("quantity").asInt()).isEqualTo(3);
        assertThat(order.get("lines").get(0).get("unitPriceCents").isNull()).isTrue();
        assertThat(order.get("createdAt").asString()).isNotBlank();
        assertThat(order.get("updatedAt").asString()).isNotBlank();
    }

    @Test
    void replaysTheOriginalOrderForTheSameKeyAndBody() {
        String key = newKey();
        String body = orderBody("carol", Map.of("SKU-LAMP", 1));
        HttpResponse<String> first = postOrder(key, body);

        HttpResponse<String> second = postOrder(key, body);

        assertThat(second.statusCode()).isEqualTo(first.statusCode()).isEqualTo(202);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(json(second).get("orderId")).isEqualTo(json(first).get("orderId"));
        assertThat(second.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(count(COUNT_BY_KEY, Map.of("key", key))).isEqualTo(1);
        assertOnlyOneOrderPlacedFor(json(first).get("orderId").asString());
    }

    @Test
    void treatsTheSameLinesInAnotherOrderAsTheSameRequest() {
        String key = newKey();
        String body = """
                {"customerId": "dave", "lines": [{"sku": "A", "quantity": 1}, {"sku": "B", "quantity": 2}]}""";
        String reordered = """
                {"lines": [{"quantity": 2, "sku": "B"}, {"sku": "A", "quantity": 1}], "customerId": "dave"}""";
        HttpResponse<String> first = postOrder(key, body);

        HttpResponse<String> second = postOrder(key, reordered);

        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(json(second).get("orderId")).isEqualTo(json(first).get("orderId"));
        assertThat(count(COUNT_BY_KEY, Map.of("key", key))).isEqualTo(1);
    }

    @Test
    void refusesTheSameKeyWithADifferentBodyAndCreatesNothing() {
        String key = newKey();
        HttpResponse<String> first = postOrder(key, orderBody("erin", Map.of("SKU-CUP", 1)));
        long orders = count("SELECT count(*) FROM orders");

        HttpResponse<String> second = postOrder(key, orderBody("erin", Map.of("SKU-CUP", 2)));

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(422);
        assertThat(second.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json(second);
        assertThat(problem.get("status").asInt()).isEqualTo(422);
        assertThat(problem.get("type").asString()).isEqualTo("urn:sagaworks:problem:idempotency-key-reused");
        assertThat(problem.get("detail").asString()).contains(key);
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(orders);
        assertThat(count(COUNT_BY_KEY, Map.of("key", key))).isEqualTo(1);
        assertThat(jdbc.sql("SELECT quantity FROM order_line l JOIN orders o ON o.id = l.order_id WHERE o.idempotency_key = :key")
                .param("key", key).query(Integer.class).single()).isEqualTo(1);
        assertOnlyOneOrderPlacedFor(json(first).get("orderId").asString());
    }

    @Test
    void makesExactlyOneOrderWhenRequestsWithOneKeyRace() throws Exception {
        int clients = 8;
        String key = newKey();
        String body = orderBody("frank", Map.of("SKU-RACE", 1));
        CyclicBarrier start = new CyclicBarrier(clients);
        List<HttpResponse<String>> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return postOrder(key, body);
                }));
            }
            for (Future<HttpResponse<String>> call : calls) {
                responses.add(call.get());
            }
        }

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(202));
        Set<String> ids = responses.stream().map(r -> json(r).get("orderId").asString()).collect(Collectors.toSet());
        assertThat(ids).hasSize(1);
        assertThat(responses.stream().filter(r -> r.headers().firstValue("Idempotent-Replayed").isEmpty()))
                .as("exactly one request created the order").hasSize(1);
        assertThat(count(COUNT_BY_KEY, Map.of("key", key))).isEqualTo(1);
        assertOnlyOneOrderPlacedFor(ids.iterator().next());
    }

    @Test
    void createsTheOrderWhenAnUncommittedAttemptWithTheSameKeyRollsBack() throws Exception {
        String key = newKey();
        String body = orderBody("ivan", Map.of("SKU-WAIT", 1));
        HttpResponse<String> response;
        try (Connection otherAttempt = dataSource.getConnection()) {
            otherAttempt.setAutoCommit(false);
            try (PreparedStatement insert = otherAttempt.prepareStatement("""
                    INSERT INTO orders (id, client_id, customer_id, status, idempotency_key, request_hash)
                    VALUES (gen_random_uuid(), 'demo-shop', 'ivan', 'PENDING', ?, 'v1:other')""")) {
                insert.setString(1, key);
                insert.executeUpdate();
            }
            CompletableFuture<HttpResponse<String>> request = CompletableFuture.supplyAsync(() -> postOrder(key, body));
            // The request's insert now waits for the other attempt to commit or roll back.
            await().atMost(TIMEOUT).until(() -> count("""
                    SELECT count(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND wait_event_type = 'Lock'
                       AND query LIKE '%INSERT INTO orders %'""") > 0);
            otherAttempt.rollback();
            response = request.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(count(COUNT_BY_KEY, Map.of("key", key))).isEqualTo(1);
        assertOnlyOneOrderPlacedFor(json(response).get("orderId").asString());
    }

    @Test
    void leavesNoOrderAndNoMessageWhenALineInsertFailsAfterTheOrderInsert() {
        String key = newKey();
        String customer = "grace-" + UUID.randomUUID();
        long ordersBefore = count("SELECT count(*) FROM orders");
        Map<String, Integer> lines = new LinkedHashMap<>();
        lines.put("SKU-FINE", 1);
        lines.put("FAIL-NOW", 1);
        jdbc.sql("""
                CREATE TRIGGER test_fail_line_now BEFORE INSERT ON order_line
                FOR EACH ROW WHEN (NEW.sku = 'FAIL-NOW') EXECUTE FUNCTION test_fail_line()""").update();
        HttpResponse<String> response;
        try {
            response = postOrder(key, orderBody(customer, lines));
        } finally {
            jdbc.sql("DROP TRIGGER test_fail_line_now ON order_line").update();
        }

        assertNothingWasPlaced(response, key, customer, ordersBefore);
        HttpResponse<String> retry = postOrder(key, orderBody(customer, lines));
        assertThat(retry.statusCode()).as("the key was not used up by the failed attempt").isEqualTo(202);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void leavesNoOrderAndNoMessageWhenTheTransactionFailsAtCommit() {
        String key = newKey();
        String customer = "heidi-" + UUID.randomUUID();
        long ordersBefore = count("SELECT count(*) FROM orders");
        // Deferred to commit, so the failure comes after the order, its lines and the outbox row were written.
        jdbc.sql("""
                CREATE CONSTRAINT TRIGGER test_fail_line_at_commit AFTER INSERT ON order_line
                DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW WHEN (NEW.sku = 'FAIL-AT-COMMIT') EXECUTE FUNCTION test_fail_line()""").update();
        HttpResponse<String> response;
        try {
            response = postOrder(key, orderBody(customer, Map.of("FAIL-AT-COMMIT", 1)));
        } finally {
            jdbc.sql("DROP TRIGGER test_fail_line_at_commit ON order_line").update();
        }

        assertNothingWasPlaced(response, key, customer, ordersBefore);
    }

    private void assertNothingWasPlaced(HttpResponse<String> response, String key, String customer, long ordersBefore) {
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).doesNotContain("injected");
        assertThat(count(COUNT_BY_KEY, Map.of("key", key))).isZero();
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(ordersBefore);
        assertThat(count("SELECT count(*) FROM order_line l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id)"))
                .isZero();
        assertThat(outboxSize()).isZero();
        await().during(Duration.ofSeconds(1)).atMost(TIMEOUT)
                .until(() -> kafka.received(r -> r.value().contains(customer)).isEmpty());
    }

    private void assertOnlyOneOrderPlacedFor(String orderId) {
        kafka.awaitOne(Topics.ORDER_EVENTS, orderId, TIMEOUT);
        await().atMost(TIMEOUT).until(() -> outboxSize() == 0);
        await().during(Duration.ofSeconds(1)).atMost(TIMEOUT)
                .until(() -> kafka.receivedWithKey(orderId).stream().filter(r -> r.type().equals("OrderPlaced")).count() == 1);
    }
}
