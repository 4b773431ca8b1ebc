package com.sagaworks.order.placement;

import com.sagaworks.order.OrderServiceITSupport;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Placement admission on the real service and database: once the limit of orders is in flight, placements are
 * refused with a 503 problem and {@code Retry-After} and create nothing; when orders end, placements are admitted
 * again. No orchestrator runs here, so every placed order stays PENDING until a test ends it.
 */
class PlacementAdmissionIT extends OrderServiceITSupport {

    private static final int LIMIT = 3;

    @Autowired
    PlacementAdmission admission;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void admission(DynamicPropertyRegistry registry) {
        registry.add("sagaworks.orders.admission.enabled", () -> "true");
        registry.add("sagaworks.orders.admission.max-in-flight", () -> LIMIT);
        // Counted for every placement, so each test sees the orders of the one before it.
        registry.add("sagaworks.orders.admission.refresh-interval", () -> "0s");
        // Whole seconds on the wire: 1.5 s is announced as 2.
        registry.add("sagaworks.orders.admission.retry-after", () -> "1500ms");
    }

    /** Ends the orders earlier tests left in flight, as the saga would by cancelling them. */
    @BeforeEach
    void noOrderInFlight() {
        jdbc.sql("""
                UPDATE orders SET status = 'CANCELLED', reason = 'test', version = version + 1
                 WHERE status = 'PENDING'
                """).update();
    }

    @Test
    void refusesPlacementsOnceTheLimitIsInFlightAndCreatesNothing() {
        String placed = null;
        for (int i = 0; i < LIMIT; i++) {
            HttpResponse<String> accepted = postOrder(newKey(), body());
            assertThat(accepted.statusCode()).isEqualTo(202);
            placed = json(accepted).get("orderId").asString();
        }
        long orders = count("SELECT count(*) FROM orders");
        double refusedBefore = refused();

        String key = newKey();
        HttpResponse<String> refused = postOrder(key, body());

        assertOverloaded(refused);
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(orders);
        assertThat(count("SELECT count(*) FROM orders WHERE idempotency_key = :key", Map.of("key", key))).isZero();
        assertThat(refused() - refusedBefore).isEqualTo(1.0);

        // Waiting for the outcome changes nothing: the placement is refused before any wait begins.
        HttpResponse<String> waiting = send(request(DEMO_SHOP_KEY, "/orders")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", newKey())
                .header("Prefer", "wait=5")
                .POST(HttpRequest.BodyPublishers.ofString(body()))
                .build());
        assertOverloaded(waiting);
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(orders);

        // Refused before authentication, so that a refusal costs next to nothing; the 401 comes with the retry.
        assertOverloaded(postOrder(null, newKey(), body()));
        // Only placements are refused: reading orders goes on.
        assertThat(get("/orders/" + placed).statusCode()).isEqualTo(200);
    }

    @Test
    void admitsPlacementsAgainOnceOrdersEnd() {
        for (int i = 0; i < LIMIT; i++) {
            assertThat(postOrder(newKey(), body()).statusCode()).isEqualTo(202);
        }
        String key = newKey();
        assertOverloaded(postOrder(key, body()));

        endOldestPendingOrder();
        HttpResponse<String> retried = postOrder(key, body());

        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        assertThat(count("SELECT count(*) FROM orders WHERE idempotency_key = :key AND status = 'PENDING'",
                Map.of("key", key))).isEqualTo(1);
    }

    @Test
    void countsOnlyPendingOrdersPlacedWithinTheWindowUpToTheCap() {
        postOrder(newKey(), body());
        postOrder(newKey(), body());
        endOldestPendingOrder();
        postOrder(newKey(), body());

        assertThat(admission.count(Duration.ofHours(1), 100)).as("pending within the window").isEqualTo(2);
        assertThat(admission.count(Duration.ofHours(1), 1)).as("counted up to the cap").isEqualTo(1);
        assertThat(admission.count(Duration.ZERO, 100)).as("none placed after now").isZero();
    }

    /** Cancels the oldest PENDING order, as its saga would. */
    private void endOldestPendingOrder() {
        int ended = jdbc.sql("""
                UPDATE orders SET status = 'CANCELLED', reason = 'test', version = version + 1
                 WHERE id = (SELECT id FROM orders WHERE status = 'PENDING' ORDER BY created_at LIMIT 1)
                """).update();
        assertThat(ended).isEqualTo(1);
    }

    private void assertOverloaded(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        JsonNode problem = json(response);
        assertThat(problem.get("type").asString()).isEqualTo("urn:sagaworks:problem:overloaded");
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asString()).contains("not placed", "Retry after 2 s");
    }

    private double refused() {
        return meters.get("sagaworks.orders.placements.refused").tag("reason", "overloaded").counter().count();
    }

    private static String body() {
        return orderBody("alice", Map.of("SKU-1", 1));
    }
}
