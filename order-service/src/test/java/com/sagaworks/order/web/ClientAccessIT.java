package com.sagaworks.order.web;

import com.sagaworks.order.OrderServiceITSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may do what: clients authenticate with X-Api-Key, act only for their customers and see only their own
 * orders; the health probe and the OpenAPI description are public.
 */
class ClientAccessIT extends OrderServiceITSupport {

    private static final String VALID = """
            {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": 1}]}""";

    @Test
    void refusesEveryOrderOperationWithoutAnApiKey() {
        UUID orderId = placeOrder("alice", Map.of("SKU-1", 1));
        long ordersBefore = count("SELECT count(*) FROM orders");

        for (HttpResponse<String> response : List.of(
                postOrder(null, newKey(), VALID),
                get(null, "/orders/" + orderId),
                get(null, "/orders/" + orderId + "?wait=PT5S"),
                get(null, "/orders/" + orderId + "/events"),
                get(null, "/orders?customerId=alice"),
                send(request(null, "/orders/" + orderId + "/cancel").POST(HttpRequest.BodyPublishers.noBody()).build()))) {
            JsonNode problem = assertProblem(response, 401);
            assertThat(problem.get("type").asString()).isEqualTo("urn:sagaworks:problem:unauthenticated");
            assertThat(problem.get("detail").asString()).contains("X-Api-Key");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).contains("X-Api-Key"));
        }
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(ordersBefore);
        assertThat(statusOf(orderId)).as("the unauthenticated cancel changed nothing").isEqualTo("PENDING");
    }

    @Test
    void refusesAnUnknownEmptyOrRepeatedApiKey() {
        long ordersBefore = count("SELECT count(*) FROM orders");

        HttpResponse<String> unknown = postOrder("no-such-key-123", newKey(), VALID);
        HttpResponse<String> empty = send(request(null, "/orders/" + UUID.randomUUID()).header("X-Api-Key", "").GET().build());
        HttpResponse<String> twice = send(request(DEMO_SHOP_KEY, "/orders/" + UUID.randomUUID())
                .header("X-Api-Key", SHOP_A_KEY).GET().build());

        assertThat(assertProblem(unknown, 401).get("detail").asString()).contains("not valid");
        assertProblem(empty, 401);
        assertThat(assertProblem(twice, 401).get("detail").asString()).contains("one X-Api-Key");
        assertNothingCreated(ordersBefore);
    }

    @Test
    void anotherClientsOrderIsNotFoundExactlyLikeAMissingOne() {
        UUID orderId = placeOrder(SHOP_A_KEY, "alice", Map.of("SKU-1", 1));

        // shop-b acts for alice too, but did not place this order.
        HttpResponse<String> foreign = get(SHOP_B_KEY, "/orders/" + orderId);
        HttpResponse<String> missing = get(SHOP_B_KEY, "/orders/" + UUID.randomUUID());

        JsonNode foreignProblem = assertProblem(foreign, 404);
        JsonNode missingProblem = assertProblem(missing, 404);
        assertThat(foreignProblem.get("type")).isEqualTo(missingProblem.get("type"));
        assertThat(foreignProblem.get("title")).isEqualTo(missingProblem.get("title"));
        assertThat(get(SHOP_A_KEY, "/orders/" + orderId).statusCode()).isEqualTo(200);
        assertThat(get(DEMO_SHOP_KEY, "/orders/" + orderId).statusCode())
                .as("acting for any customer does not reach other clients' orders").isEqualTo(404);
    }

    @Test
    void aSupportClientReadsAnyClientsOrderButCannotCancelIt() {
        UUID orderId = placeOrder(SHOP_A_KEY, "bob", Map.of("SKU-1", 1));

        HttpResponse<String> read = get(SUPPORT_KEY, "/orders/" + orderId);
        HttpResponse<String> cancel = send(request(SUPPORT_KEY, "/orders/" + orderId + "/cancel")
                .POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read).get("orderId").asString()).isEqualTo(orderId.toString());
        assertProblem(cancel, 404);
        assertThat(statusOf(orderId)).isEqualTo("PENDING");
    }

    @Test
    void refusesToPlaceAnOrderForACustomerOfAnotherClient() {
        long ordersBefore = count("SELECT count(*) FROM orders");

        HttpResponse<String> response = postOrder(SHOP_A_KEY, newKey(), """
                {"customerId": "carol", "lines": [{"sku": "SKU-1", "quantity": 1}]}""");

        JsonNode problem = assertProblem(response, 422);
        assertThat(problem.get("type").asString()).isEqualTo("urn:sagaworks:problem:unknown-customer");
        assertThat(problem.get("detail").asString()).contains("carol");
        assertNothingCreated(ordersBefore);
    }

    @Test
    void idempotencyKeysAreScopedToTheClient() {
        String sharedKey = "order-1-" + UUID.randomUUID();

        HttpResponse<String> fromA = postOrder(SHOP_A_KEY, sharedKey, VALID);
        HttpResponse<String> fromB = postOrder(SHOP_B_KEY, sharedKey, """
                {"customerId": "alice", "lines": [{"sku": "SKU-2", "quantity": 5}]}""");

        assertThat(fromA.statusCode()).isEqualTo(202);
        assertThat(fromB.statusCode()).as("another client's key is not a reuse").isEqualTo(202);
        assertThat(fromB.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(json(fromB).get("orderId")).isNotEqualTo(json(fromA).get("orderId"));
        assertThat(count("SELECT count(*) FROM orders WHERE idempotency_key = :key", Map.of("key", sharedKey))).isEqualTo(2);
        assertThat(jdbc.sql("SELECT client_id FROM orders WHERE id = :id")
                .param("id", UUID.fromString(json(fromB).get("orderId").asString())).query(String.class).single())
                .isEqualTo("shop-b");
        HttpResponse<String> replayA = postOrder(SHOP_A_KEY, sharedKey, VALID);
        assertThat(replayA.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(json(replayA).get("orderId")).isEqualTo(json(fromA).get("orderId"));
    }

    @Test
    void healthIsPublic() {
        HttpResponse<String> response = get(null, "/actuator/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asString()).isEqualTo("UP");
    }

    @Test
    void servesTheOpenApiDescriptionPubliclyWithTheContractWrittenDown() {
        HttpResponse<String> response = get(null, "/v3/api-docs");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).as("the document itself, not an encoding of it").startsWith("{");
        JsonNode api = json(response);
        assertThat(api.get("openapi").asString()).startsWith("3.");
        assertThat(api.at("/paths/~1orders/post/parameters").toString()).contains("Idempotency-Key");
        assertThat(api.at("/paths/~1orders/post/responses/202/headers").has("Idempotent-Replayed")).isTrue();
        assertThat(api.at("/paths/~1orders/post/parameters").toString()).as("the waiting placement, documented once")
                .contains("Prefer");
        assertThat(api.at("/paths/~1orders/post/responses/201/content/application~1json/schema/$ref").asString())
                .isEqualTo("#/components/schemas/Order");
        assertThat(api.at("/paths/~1orders/post/responses/202/headers").has("Preference-Applied")).isTrue();
        assertThat(api.at("/paths/~1orders/post/responses/503/$ref").asString())
                .isEqualTo("#/components/responses/PlacementUnavailable");
        assertThat(api.at("/components/responses/PlacementUnavailable/description").asString())
                .contains("urn:sagaworks:problem:overloaded", "Retry-After");
        assertThat(api.at("/paths").has("/orders/{orderId}/cancel")).isTrue();
        assertThat(api.at("/paths").has("/orders/{orderId}/events")).isTrue();
        assertThat(api.at("/components/securitySchemes/apiKey/name").asString()).isEqualTo("X-Api-Key");
        assertThat(api.at("/components/schemas/Order/properties/status/enum").toString())
                .isEqualTo("[\"PENDING\",\"CONFIRMED\",\"CANCELLED\"]");
        String description = api.at("/info/description").asString();
        assertThat(description).contains("Idempotency-Key", "Idempotent-Replayed", "X-Api-Key",
                "CANCELLED_BY_CUSTOMER", "OUT_OF_STOCK", "PAYMENT_DECLINED",
                "urn:sagaworks:problem:idempotency-key-reused", "urn:sagaworks:problem:unknown-customer",
                "urn:sagaworks:problem:order-not-found", "urn:sagaworks:problem:order-already-confirmed",
                "urn:sagaworks:problem:invalid-request", "urn:sagaworks:problem:unauthenticated",
                "urn:sagaworks:problem:overloaded");
        assertThat(response.body()).as("internal saga states never reach the API")
                .doesNotContain("COMPENSATING", "COMPENSATED", "RUNNING", "COMPLETED");
    }

    @Test
    void servesSwaggerUiPublicly() throws Exception {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> response = following.send(request(null, "/swagger-ui.html").GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsIgnoringCase("swagger");
    }

    static JsonNode assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        return problem;
    }

    /** Earlier tests of this class may have placed orders; this one must not have added any. */
    private void assertNothingCreated(long ordersBefore) {
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(ordersBefore);
        assertThat(count("SELECT count(*) FROM order_line l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id)"))
                .isZero();
        assertThat(outboxSize()).isZero();
    }
}
