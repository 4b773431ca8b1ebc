package com.sagaworks.order.cancellation;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.order.ApproveOrder;
import com.sagaworks.contracts.order.CancelOrder;
import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.contracts.order.OrderApprovalRefused;
import com.sagaworks.contracts.order.OrderCancelled;
import com.sagaworks.order.OrderServiceITSupport;
import com.sagaworks.testing.KafkaTestClient.Received;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /orders/{id}/cancel}: the customer withdraws an order. The saga's own compensation is the
 * orchestrator's business; here we check what order-service promises: the order becomes CANCELLED with the
 * customer's reason, exactly one public OrderCancelled goes out, and the saga's later commands find the order
 * cancelled.
 */
class CustomerCancellationIT extends OrderServiceITSupport {

    @Test
    void cancellingAPendingOrderMarksItCancelledByTheCustomerAndPublishesOrderCancelled() {
        UUID orderId = placeOrder("alice", Map.of("SKU-TEA", 2));

        HttpResponse<String> response = cancel(DEMO_SHOP_KEY, orderId);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode order = json(response);
        assertThat(order.get("orderId").asString()).isEqualTo(orderId.toString());
        assertThat(order.get("status").asString()).isEqualTo("CANCELLED");
        assertThat(order.get("reason").asString()).isEqualTo("CANCELLED_BY_CUSTOMER");
        assertThat(statusOf(orderId)).isEqualTo("CANCELLED");
        assertThat(versionOf(orderId)).isOne();
        OrderCancelled event = awaitEvent(orderId, "OrderCancelled").as(OrderCancelled.class);
        assertThat(event.reason()).isEqualTo(CancellationReason.CANCELLED_BY_CUSTOMER);
        assertThat(event.customerId().value()).isEqualTo("alice");
        assertThat(event.orderId().value()).isEqualTo(orderId);
        assertExactlyOneEvent(orderId, "OrderCancelled");
    }

    @Test
    void cancellingTwiceAnswersTheSameAndChangesNothingTheSecondTime() {
        UUID orderId = placeOrder("bob", Map.of("SKU-PEN", 1));
        HttpResponse<String> first = cancel(DEMO_SHOP_KEY, orderId);

        HttpResponse<String> second = cancel(DEMO_SHOP_KEY, orderId);

        assertThat(second.statusCode()).isEqualTo(first.statusCode()).isEqualTo(200);
        assertThat(json(second)).isEqualTo(json(first));
        assertThat(versionOf(orderId)).as("the second request changed nothing").isOne();
        assertExactlyOneEvent(orderId, "OrderCancelled");
    }

    @Test
    void refusesToCancelAConfirmedOrderWithAConflictProblem() {
        UUID orderId = placeOrder("carol", Map.of("SKU-CUP", 3));
        awaitReply(kafka.send(new ApproveOrder(SagaId.random(), OrderId.of(orderId),
                List.of(new PricedLine("SKU-CUP", 3, 250)), 750)));
        String before = get("/orders/" + orderId).body();

        HttpResponse<String> response = cancel(DEMO_SHOP_KEY, orderId);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json(response);
        assertThat(problem.get("type").asString()).isEqualTo("urn:sagaworks:problem:order-already-confirmed");
        assertThat(problem.get("status").asInt()).isEqualTo(409);
        assertThat(problem.get("detail").asString()).contains(orderId.toString());
        assertThat(get("/orders/" + orderId).body()).as("the order stands unchanged").isEqualTo(before);
        assertNoEvent(orderId, "OrderCancelled");
    }

    @Test
    void cancellingAnOrderTheSagaAlreadyCancelledKeepsTheSagasReason() {
        UUID orderId = placeOrder("dave", Map.of("SKU-HAT", 1));
        awaitReply(kafka.send(new CancelOrder(SagaId.random(), OrderId.of(orderId), CancellationReason.OUT_OF_STOCK)));

        HttpResponse<String> response = cancel(DEMO_SHOP_KEY, orderId);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asString()).isEqualTo("CANCELLED");
        assertThat(json(response).get("reason").asString()).isEqualTo("OUT_OF_STOCK");
        assertThat(versionOf(orderId)).isOne();
        assertExactlyOneEvent(orderId, "OrderCancelled");
    }

    @Test
    void theSagasApprovalAfterACustomerCancellationIsRefusedWithTheCustomersReason() {
        UUID orderId = placeOrder("erin", Map.of("SKU-BAG", 1));
        cancel(DEMO_SHOP_KEY, orderId);
        SagaId saga = SagaId.random();

        Received reply = awaitReply(kafka.send(new ApproveOrder(saga, OrderId.of(orderId),
                List.of(new PricedLine("SKU-BAG", 1, 990)), 990)));

        assertThat(reply.type()).isEqualTo("OrderApprovalRefused");
        assertThat(reply.as(OrderApprovalRefused.class))
                .isEqualTo(new OrderApprovalRefused(saga, CancellationReason.CANCELLED_BY_CUSTOMER));
        assertThat(statusOf(orderId)).isEqualTo("CANCELLED");
        assertNoEvent(orderId, "OrderConfirmed");
    }

    @Test
    void anotherClientCannotCancelTheOrderAndLearnsNothingAboutIt() {
        UUID orderId = placeOrder(SHOP_A_KEY, "alice", Map.of("SKU-KEY", 1));

        HttpResponse<String> foreign = cancel(SHOP_B_KEY, orderId);
        HttpResponse<String> unknown = cancel(SHOP_B_KEY, UUID.randomUUID());

        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(json(foreign).get("type")).isEqualTo(json(unknown).get("type"));
        assertThat(json(foreign).get("title")).isEqualTo(json(unknown).get("title"));
        assertThat(statusOf(orderId)).isEqualTo("PENDING");
        assertThat(versionOf(orderId)).isZero();
        assertNoEvent(orderId, "OrderCancelled");
    }

    @Test
    void cancellingAnUnknownOrderIsNotFoundAndWritesNothing() {
        HttpResponse<String> response = cancel(DEMO_SHOP_KEY, UUID.randomUUID());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("type").asString()).isEqualTo("urn:sagaworks:problem:order-not-found");
        assertThat(outboxSize()).isZero();
    }

    private HttpResponse<String> cancel(String apiKey, UUID orderId) {
        return send(request(apiKey, "/orders/" + orderId + "/cancel").POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private int versionOf(UUID orderId) {
        return jdbc.sql("SELECT version FROM orders WHERE id = :id").param("id", orderId).query(Integer.class).single();
    }

    private static boolean isReplyTo(Received record, UUID commandId) {
        return record.topic().equals(Topics.ORDER_REPLIES)
                && commandId.toString().equals(record.headers().get(MessageHeaders.CORRELATION_ID));
    }

    private Received awaitReply(UUID commandId) {
        return kafka.awaitReceived(r -> isReplyTo(r, commandId), 1, TIMEOUT).getFirst();
    }

    private static boolean isEvent(Received record, UUID orderId, String type) {
        return record.topic().equals(Topics.ORDER_EVENTS) && orderId.toString().equals(record.key())
                && type.equals(record.type());
    }

    private Received awaitEvent(UUID orderId, String type) {
        return kafka.awaitReceived(r -> isEvent(r, orderId, type), 1, TIMEOUT).getFirst();
    }

    /** Once everything written is published, exactly one such event went out and no second one follows. */
    private void assertExactlyOneEvent(UUID orderId, String type) {
        await().atMost(TIMEOUT).until(() -> outboxSize() == 0);
        await().during(Duration.ofSeconds(1)).atMost(TIMEOUT)
                .until(() -> kafka.received(r -> isEvent(r, orderId, type)).size() == 1);
    }

    private void assertNoEvent(UUID orderId, String type) {
        await().atMost(TIMEOUT).until(() -> outboxSize() == 0);
        await().during(Duration.ofSeconds(1)).atMost(TIMEOUT)
                .until(() -> kafka.received(r -> isEvent(r, orderId, type)).isEmpty());
    }
}
