package com.sagaworks.order.web;

import com.sagaworks.order.OrderServiceITSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every client mistake is a 4xx problem detail, never a 5xx, and creates nothing. */
class OrderApiErrorsIT extends OrderServiceITSupport {

    private static final String VALID = """
            {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": 1}]}""";

    static Stream<Arguments> invalidBodies() {
        String fiftyOneLines = IntStream.rangeClosed(1, 51)
                .mapToObj(i -> "{\"sku\": \"SKU-" + i + "\", \"quantity\": 1}")
                .collect(Collectors.joining(",", "[", "]"));
        return Stream.of(
                arguments("blank customer", """
                        {"customerId": "  ", "lines": [{"sku": "SKU-1", "quantity": 1}]}""", "customerId"),
                arguments("missing customer", """
                        {"lines": [{"sku": "SKU-1", "quantity": 1}]}""", "customerId"),
                arguments("customer over 64 characters", """
                        {"customerId": "%s", "lines": [{"sku": "SKU-1", "quantity": 1}]}""".formatted("c".repeat(65)),
                        "customerId"),
                arguments("no lines", """
                        {"customerId": "alice", "lines": []}""", "lines"),
                arguments("missing lines", """
                        {"customerId": "alice"}""", "lines"),
                arguments("51 lines", "{\"customerId\": \"alice\", \"lines\": " + fiftyOneLines + "}", "lines"),
                arguments("null line", """
                        {"customerId": "alice", "lines": [null]}""", "lines[0]"),
                arguments("quantity zero", """
                        {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": 0}]}""", "lines[0].quantity"),
                arguments("negative quantity", """
                        {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": -3}]}""", "lines[0].quantity"),
                arguments("quantity over 1000", """
                        {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": 1001}]}""", "lines[0].quantity"),
                arguments("missing quantity", """
                        {"customerId": "alice", "lines": [{"sku": "SKU-1"}]}""", "lines[0].quantity"),
                arguments("blank sku", """
                        {"customerId": "alice", "lines": [{"sku": "", "quantity": 1}]}""", "lines[0].sku"),
                arguments("sku over 64 characters", """
                        {"customerId": "alice", "lines": [{"sku": "%s", "quantity": 1}]}""".formatted("s".repeat(65)),
                        "lines[0].sku"),
                arguments("duplicate sku", """
                        {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": 1}, {"sku": "SKU-1", "quantity": 2}]}""",
                        "lines"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void refusesAnInvalidBodyNamingTheField(String description, String body, String field) {
        HttpResponse<String> response = postOrder(newKey(), body);

        JsonNode problem = assertProblem(response, 400);
        assertThat(problem.get("type").asString()).isEqualTo("urn:sagaworks:problem:invalid-request");
        assertThat(problem.get("errors")).as(response.body()).anySatisfy(
                error -> assertThat(error.get("field").asString()).isEqualTo(field));
        assertNoOrders();
    }

    static Stream<Arguments> unreadableBodies() {
        return Stream.of(
                arguments("unknown field", """
                        {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": 1}], "coupon": "FREE"}"""),
                arguments("a price sent by the client", """
                        {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": 1, "unitPriceCents": 1}]}"""),
                arguments("customer as a number", """
                        {"customerId": 12, "lines": [{"sku": "SKU-1", "quantity": 1}]}"""),
                arguments("sku as a boolean", """
                        {"customerId": "alice", "lines": [{"sku": true, "quantity": 1}]}"""),
                arguments("quantity as a string", """
                        {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": "1"}]}"""),
                arguments("fractional quantity", """
                        {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": 1.5}]}"""),
                arguments("quantity beyond int", """
                        {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": 99999999999}]}"""),
                arguments("lines not an array", """
                        {"customerId": "alice", "lines": {"sku": "SKU-1", "quantity": 1}}"""),
                arguments("duplicated member", """
                        {"customerId": "alice", "customerId": "bob", "lines": [{"sku": "SKU-1", "quantity": 1}]}"""),
                arguments("trailing content", VALID + " {}"),
                arguments("malformed JSON", "{\"customerId\": \"alice\", "),
                arguments("not an object", "[]"),
                arguments("empty body", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableBodies")
    void refusesAnUnreadableBody(String description, String body) {
        HttpResponse<String> response = postOrder(newKey(), body);

        JsonNode problem = assertProblem(response, 400);
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertNoOrders();
    }

    @Test
    void namesTheUnknownField() {
        HttpResponse<String> response = postOrder(newKey(), """
                {"customerId": "alice", "lines": [{"sku": "SKU-1", "quantity": 1}], "coupon": "FREE"}""");

        assertThat(assertProblem(response, 400).get("detail").asString()).contains("coupon");
    }

    @Test
    void requiresAnIdempotencyKey() {
        HttpResponse<String> response = postOrder(null, VALID);

        assertThat(assertProblem(response, 400).get("detail").asString()).contains("Idempotency-Key");
        assertNoOrders();
    }

    @Test
    void refusesABlankIdempotencyKey() {
        HttpResponse<String> response = postOrder("   ", VALID);

        assertThat(assertProblem(response, 400).get("detail").asString()).contains("Idempotency-Key");
        assertNoOrders();
    }

    @Test
    void refusesAnOverlongIdempotencyKey() {
        HttpResponse<String> response = postOrder("k".repeat(129), VALID);

        assertThat(assertProblem(response, 400).get("detail").asString()).contains("Idempotency-Key");
        assertNoOrders();
    }

    @Test
    void refusesABodyThatIsNotJson() {
        HttpResponse<String> response = send(request(DEMO_SHOP_KEY, "/orders")
                .header("Content-Type", "text/plain")
                .header("Idempotency-Key", newKey())
                .POST(HttpRequest.BodyPublishers.ofString(VALID))
                .build());

        assertProblem(response, 415);
        assertNoOrders();
    }

    @Test
    void answersNotFoundForAnUnknownOrder() {
        HttpResponse<String> response = get("/orders/" + UUID.randomUUID());

        JsonNode problem = assertProblem(response, 404);
        assertThat(problem.get("type").asString()).isEqualTo("urn:sagaworks:problem:order-not-found");
    }

    @Test
    void answersBadRequestForAMalformedOrderId() {
        JsonNode problem = assertProblem(get("/orders/not-a-uuid"), 400);

        assertThat(problem.get("detail").asString()).contains("orderId");
    }

    @Test
    void answersMethodNotAllowedForAnUnsupportedMethod() {
        assertProblem(send(request(DEMO_SHOP_KEY, "/orders/" + UUID.randomUUID()).DELETE().build()), 405);
    }

    @Test
    void answersNotFoundForAnUnknownPath() {
        assertProblem(get("/no-such-thing"), 404);
    }

    @Test
    void exposesHealth() {
        HttpResponse<String> response = get("/actuator/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asString()).isEqualTo("UP");
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        return problem;
    }

    private void assertNoOrders() {
        assertThat(count("SELECT count(*) FROM orders")).isZero();
        assertThat(count("SELECT count(*) FROM order_line")).isZero();
        assertThat(outboxSize()).isZero();
    }
}
