package com.sagaworks.order;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.order.ApproveOrder;
import com.sagaworks.contracts.order.CancelOrder;
import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.contracts.order.OrderApprovalRefused;
import com.sagaworks.contracts.order.OrderApproved;
import com.sagaworks.contracts.order.OrderCancellationRecorded;
import com.sagaworks.contracts.order.OrderCancelled;
import com.sagaworks.contracts.order.OrderConfirmed;
import com.sagaworks.testing.KafkaTestClient.Received;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The orchestrator's commands, sent over the real broker, and what order-service answers and announces. */
class OrderCommandsIT extends OrderServiceITSupport {

    private static final long OVER_REVIEW_LIMIT = 10_000_001L;

    @Test
    void approvingConfirmsAtInventoryPricesAndPublishesOrderConfirmed() {
        UUID orderId = placeOrder("alice", lines("SKU-TEA", 2, "SKU-MUG", 1));
        List<PricedLine> priced = List.of(new PricedLine("SKU-TEA", 2, 450), new PricedLine("SKU-MUG", 1, 1299));
        SagaId saga = SagaId.random();

        UUID commandId = kafka.send(new ApproveOrder(saga, OrderId.of(orderId), priced, 2199));

        Received reply = awaitReply(commandId);
        assertThat(reply.type()).isEqualTo("OrderApproved");
        assertThat(reply.key()).isEqualTo(saga.toString());
        assertThat(reply.as(OrderApproved.class).sagaId()).isEqualTo(saga);
        Received confirmed = awaitEvent(orderId, "OrderConfirmed");
        OrderConfirmed event = confirmed.as(OrderConfirmed.class);
        assertThat(event.totalCents()).isEqualTo(2199);
        assertThat(event.customerId().value()).isEqualTo("alice");
        assertThat(event.lines()).containsExactlyInAnyOrderElementsOf(priced);
        JsonNode order = json(get("/orders/" + orderId));
        assertThat(order.get("status").asString()).isEqualTo("CONFIRMED");
        assertThat(order.get("totalCents").asLong()).isEqualTo(2199);
        assertThat(order.get("reason").isNull()).isTrue();
        assertThat(order.get("lines")).allSatisfy(line -> assertThat(line.get("unitPriceCents").isNull()).isFalse());
        assertThat(sumOfLineTotals(orderId)).isEqualTo(2199);
        await().atMost(TIMEOUT).until(() -> outboxSize() == 0);
    }

    @Test
    void approvingAConfirmedOrderAgainAnswersApprovedAndChangesNothing() {
        UUID orderId = placeOrder("bob", lines("SKU-PEN", 1));
        ApproveOrder approve = new ApproveOrder(SagaId.random(), OrderId.of(orderId),
                List.of(new PricedLine("SKU-PEN", 1, 199)), 199);
        awaitReply(kafka.send(approve));
        int version = versionOf(orderId);

        Received again = awaitReply(kafka.send(approve));

        assertThat(again.type()).isEqualTo("OrderApproved");
        assertThat(versionOf(orderId)).isEqualTo(version);
        assertOneEvent(orderId, "OrderConfirmed");
    }

    @Test
    void refusesApprovalOverTheReviewLimitAndLeavesTheOrderPending() {
        UUID orderId = placeOrder("carol", lines("SKU-CAR", 1));
        SagaId saga = SagaId.random();

        UUID commandId = kafka.send(new ApproveOrder(saga, OrderId.of(orderId),
                List.of(new PricedLine("SKU-CAR", 1, OVER_REVIEW_LIMIT)), OVER_REVIEW_LIMIT));

        Received reply = awaitReply(commandId);
        assertThat(reply.type()).isEqualTo("OrderApprovalRefused");
        assertThat(reply.as(OrderApprovalRefused.class).reason()).isEqualTo(CancellationReason.APPROVAL_REFUSED);
        assertThat(statusOf(orderId)).isEqualTo("PENDING");
        assertThat(versionOf(orderId)).isZero();
        assertThat(count("SELECT count(*) FROM order_line WHERE order_id = :id AND unit_price_cents IS NOT NULL",
                Map.of("id", orderId))).isZero();
        assertNoEvent(orderId, "OrderConfirmed");
    }

    @Test
    void refusesToApproveACancelledOrderGivingItsReason() {
        UUID orderId = placeOrder("dave", lines("SKU-HAT", 1));
        awaitReply(kafka.send(new CancelOrder(SagaId.random(), OrderId.of(orderId), CancellationReason.CANCELLED_BY_CUSTOMER)));

        UUID commandId = kafka.send(new ApproveOrder(SagaId.random(), OrderId.of(orderId),
                List.of(new PricedLine("SKU-HAT", 1, 2500)), 2500));

        Received reply = awaitReply(commandId);
        assertThat(reply.type()).isEqualTo("OrderApprovalRefused");
        assertThat(reply.as(OrderApprovalRefused.class).reason()).isEqualTo(CancellationReason.CANCELLED_BY_CUSTOMER);
        assertThat(statusOf(orderId)).isEqualTo("CANCELLED");
        assertThat(jdbc.sql("SELECT total_cents FROM orders WHERE id = :id").param("id", orderId)
                .query(Long.class).optional()).isEmpty();
        assertNoEvent(orderId, "OrderConfirmed");
    }

    @Test
    void cancellingAPendingOrderRecordsTheReasonAndPublishesOrderCancelled() {
        UUID orderId = placeOrder("erin", lines("SKU-BAG", 1));
        SagaId saga = SagaId.random();

        UUID commandId = kafka.send(new CancelOrder(saga, OrderId.of(orderId), CancellationReason.OUT_OF_STOCK));

        Received reply = awaitReply(commandId);
        assertThat(reply.type()).isEqualTo("OrderCancellationRecorded");
        assertThat(reply.as(OrderCancellationRecorded.class)).isEqualTo(new OrderCancellationRecorded(saga, true));
        OrderCancelled event = awaitEvent(orderId, "OrderCancelled").as(OrderCancelled.class);
        assertThat(event.reason()).isEqualTo(CancellationReason.OUT_OF_STOCK);
        assertThat(event.customerId().value()).isEqualTo("erin");
        JsonNode order = json(get("/orders/" + orderId));
        assertThat(order.get("status").asString()).isEqualTo("CANCELLED");
        assertThat(order.get("reason").asString()).isEqualTo("OUT_OF_STOCK");
        assertThat(order.get("totalCents").isNull()).isTrue();
        await().atMost(TIMEOUT).until(() -> outboxSize() == 0);
    }

    @Test
    void aRedeliveredCancelOrderChangesNothingAndResendsTheSameReply() {
        UUID orderId = placeOrder("frank", lines("SKU-BOX", 1));
        CancelOrder cancel = new CancelOrder(SagaId.random(), OrderId.of(orderId), CancellationReason.PAYMENT_DECLINED);
        UUID commandId = UUID.randomUUID();

        kafka.send(commandId, cancel, Map.of());
        Received first = awaitReply(commandId);
        int version = versionOf(orderId);
        kafka.send(commandId, cancel, Map.of());

        List<Received> replies = kafka.awaitReceived(r -> isReplyTo(r, commandId), 2, TIMEOUT);
        assertThat(replies).hasSize(2);
        assertThat(replies.get(1).messageId()).as("the same reply, not a new one").isEqualTo(first.messageId());
        assertThat(replies.get(1).value()).isEqualTo(first.value());
        assertThat(versionOf(orderId)).isEqualTo(version);
        assertThat(count("SELECT count(*) FROM messaging_inbox WHERE message_id = :id", Map.of("id", commandId))).isOne();
        assertOneEvent(orderId, "OrderCancelled");
    }

    @Test
    void cancellingAnAlreadyCancelledOrderAnswersCancelled() {
        UUID orderId = placeOrder("grace", lines("SKU-KEY", 1));
        awaitReply(kafka.send(new CancelOrder(SagaId.random(), OrderId.of(orderId), CancellationReason.TIMED_OUT)));
        SagaId saga = SagaId.random();

        Received reply = awaitReply(kafka.send(new CancelOrder(saga, OrderId.of(orderId), CancellationReason.OUT_OF_STOCK)));

        assertThat(reply.as(OrderCancellationRecorded.class)).isEqualTo(new OrderCancellationRecorded(saga, true));
        assertThat(jdbc.sql("SELECT reason FROM orders WHERE id = :id").param("id", orderId).query(String.class).single())
                .as("the first reason stands").isEqualTo("TIMED_OUT");
        assertOneEvent(orderId, "OrderCancelled");
    }

    @Test
    void cannotCancelAConfirmedOrderAndLeavesItUnchanged() {
        UUID orderId = placeOrder("heidi", lines("SKU-CAP", 4));
        awaitReply(kafka.send(new ApproveOrder(SagaId.random(), OrderId.of(orderId),
                List.of(new PricedLine("SKU-CAP", 4, 100)), 400)));
        String before = get("/orders/" + orderId).body();
        SagaId saga = SagaId.random();

        Received reply = awaitReply(kafka.send(new CancelOrder(saga, OrderId.of(orderId), CancellationReason.TIMED_OUT)));

        assertThat(reply.as(OrderCancellationRecorded.class)).isEqualTo(new OrderCancellationRecorded(saga, false));
        assertThat(get("/orders/" + orderId).body()).isEqualTo(before);
        assertThat(statusOf(orderId)).isEqualTo("CONFIRMED");
        assertNoEvent(orderId, "OrderCancelled");
    }

    @Test
    void deadLettersAnApprovalForAnUnknownOrder() {
        OrderId unknown = OrderId.random();
        SagaId saga = SagaId.random();

        UUID commandId = kafka.send(new ApproveOrder(saga, unknown, List.of(new PricedLine("SKU-X", 1, 1)), 1));

        Received dead = kafka.awaitOne(Topics.deadLetterOf(Topics.ORDER_COMMANDS), saga.toString(), TIMEOUT);
        assertThat(dead.headers().get(MessageHeaders.MESSAGE_ID)).isEqualTo(commandId.toString());
        assertThat(dead.headers().get(MessageHeaders.DEAD_LETTER_REASON)).contains(unknown.toString());
        assertThat(kafka.received(r -> isReplyTo(r, commandId))).isEmpty();
        assertThat(count("SELECT count(*) FROM orders WHERE id = :id", Map.of("id", unknown.value()))).isZero();
    }

    @Test
    void deadLettersAnApprovalWhosePricedLinesDoNotMatchTheOrder() {
        UUID orderId = placeOrder("ivan", lines("SKU-ONE", 1));
        SagaId saga = SagaId.random();

        kafka.send(new ApproveOrder(saga, OrderId.of(orderId), List.of(new PricedLine("SKU-OTHER", 1, 10)), 10));

        Received dead = kafka.awaitOne(Topics.deadLetterOf(Topics.ORDER_COMMANDS), saga.toString(), TIMEOUT);
        assertThat(dead.headers().get(MessageHeaders.DEAD_LETTER_REASON)).contains("do not match");
        assertThat(statusOf(orderId)).isEqualTo("PENDING");
        assertThat(versionOf(orderId)).isZero();
        assertNoEvent(orderId, "OrderConfirmed");
    }

    private static Map<String, Integer> lines(Object... skuThenQuantity) {
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (int i = 0; i < skuThenQuantity.length; i += 2) {
            lines.put((String) skuThenQuantity[i], (Integer) skuThenQuantity[i + 1]);
        }
        return lines;
    }

    private static boolean isReplyTo(Received record, UUID commandId) {
        return record.topic().equals(Topics.ORDER_REPLIES)
                && commandId.toString().equals(record.headers().get(MessageHeaders.CORRELATION_ID));
    }

    private Received awaitReply(UUID commandId) {
        return kafka.awaitReceived(r -> isReplyTo(r, commandId), 1, TIMEOUT).getFirst();
    }

    private Received awaitEvent(UUID orderId, String type) {
        return kafka.awaitReceived(r -> isEvent(r, orderId, type), 1, TIMEOUT).getFirst();
    }

    private static boolean isEvent(Received record, UUID orderId, String type) {
        return record.topic().equals(Topics.ORDER_EVENTS) && orderId.toString().equals(record.key())
                && type.equals(record.type());
    }

    /** Once everything written is published, exactly one such event went out and no second one follows. */
    private void assertOneEvent(UUID orderId, String type) {
        await().atMost(TIMEOUT).until(() -> outboxSize() == 0);
        await().during(Duration.ofSeconds(1)).atMost(TIMEOUT)
                .until(() -> kafka.received(r -> isEvent(r, orderId, type)).size() == 1);
    }

    private void assertNoEvent(UUID orderId, String type) {
        await().atMost(TIMEOUT).until(() -> outboxSize() == 0);
        await().during(Duration.ofSeconds(1)).atMost(TIMEOUT)
                .until(() -> kafka.received(r -> isEvent(r, orderId, type)).isEmpty());
    }

    private int versionOf(UUID orderId) {
        return jdbc.sql("SELECT version FROM orders WHERE id = :id").param("id", orderId).query(Integer.class).single();
    }

    private long sumOfLineTotals(UUID orderId) {
        return jdbc.sql("SELECT sum(quantity * unit_price_cents) FROM order_line WHERE order_id = :id")
                .param("id", orderId).query(Long.class).single();
    }
}
