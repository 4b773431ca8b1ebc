package com.sagaworks.orchestrator;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.inventory.ReleaseStock;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockReleased;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.contracts.order.ApproveOrder;
import com.sagaworks.contracts.order.CancelOrder;
import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.contracts.order.OrderApproved;
import com.sagaworks.contracts.order.OrderCancellationRecorded;
import com.sagaworks.contracts.order.OrderCancelled;
import com.sagaworks.contracts.order.OrderPlaced;
import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.contracts.payment.PaymentRefunded;
import com.sagaworks.messaging.consumer.BatchConsumer;
import com.sagaworks.messaging.metrics.MessagingMetrics;
import com.sagaworks.orchestrator.engine.SagaStatus;
import com.sagaworks.orchestrator.placeorder.PlaceOrderSaga;
import com.sagaworks.testing.KafkaTestClient;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The orchestrator against a real PostgreSQL and a real broker; the test plays the three participants.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class PlaceOrderSagaIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KafkaTestClient kafka;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "orchestrator");
    }

    @BeforeAll
    static void participants() {
        kafka = new KafkaTestClient(SharedKafka.bootstrapServers(), Topics.INVENTORY_COMMANDS, Topics.PAYMENT_COMMANDS,
                Topics.ORDER_COMMANDS, Topics.deadLetterOf(Topics.INVENTORY_REPLIES));
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    @Autowired
    BatchConsumer consumer;

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private final List<PricedLine> priced = List.of(new PricedLine("SKU-1", 2, 1500));

    private OrderId placeOrder() {
        OrderId orderId = OrderId.random();
        kafka.send(new OrderPlaced(orderId, new CustomerId("alice"), List.of(new OrderLine("SKU-1", 2)), Instant.now()));
        return orderId;
    }

    private static SagaId sagaOf(OrderId orderId) {
        return PlaceOrderSaga.definition(Duration.ofSeconds(30)).sagaIdFor(orderId.toString());
    }

    private KafkaTestClient.Received awaitCommand(String topic, SagaId saga, String type) {
        return kafka.awaitReceived(r -> r.topic().equals(topic) && saga.toString().equals(r.key())
                && type.equals(r.type()), 1, WAIT).getFirst();
    }

    private void reply(KafkaTestClient.Received command, Object reply) {
        kafka.send(UUID.randomUUID(), reply, Map.of(MessageHeaders.CORRELATION_ID, command.messageId().toString()));
    }

    private JsonNode saga(SagaId saga) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/sagas/" + saga)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private void awaitStatus(SagaId saga, SagaStatus status) {
        await().atMost(WAIT).until(() -> status.name().equals(saga(saga).get("status").asString()));
    }

    private double reruns() {
        return meters.counter(MessagingMetrics.BATCH_RERUNS).count();
    }

    private void awaitOutboxEmpty() {
        await().atMost(WAIT).until(() -> jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Long.class).single() == 0);
    }

    @Test
    void drivesTheHappyPathToCompletedAndRecordsEveryTransition() throws Exception {
        OrderId orderId = placeOrder();
        SagaId saga = sagaOf(orderId);

        var reserve = awaitCommand(Topics.INVENTORY_COMMANDS, saga, "ReserveStock");
        assertThat(reserve.as(ReserveStock.class).lines()).containsExactly(new OrderLine("SKU-1", 2));
        reply(reserve, new StockReserved(saga, priced, 3000));

        var charge = awaitCommand(Topics.PAYMENT_COMMANDS, saga, "ChargePayment");
        assertThat(charge.as(ChargePayment.class).amountCents()).isEqualTo(3000);
        reply(charge, new PaymentCharged(saga, 3000));

        var approve = awaitCommand(Topics.ORDER_COMMANDS, saga, "ApproveOrder");
        assertThat(approve.as(ApproveOrder.class).totalCents()).isEqualTo(3000);
        reply(approve, new OrderApproved(saga));

        awaitStatus(saga, SagaStatus.COMPLETED);
        JsonNode view = saga(saga);
        assertThat(view.get("version").asInt()).isEqualTo(4);
        List<String> kinds = view.get("history").valueStream().map(h -> h.get("kind").asString()).toList();
        assertThat(kinds).containsExactly("STARTED", "TRANSITION", "TRANSITION", "TRANSITION");
        assertThat(view.get("history").get(0).get("commands").get(0).get("id").asString())
                .isEqualTo(reserve.messageId().toString());
        awaitOutboxEmpty();

        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("sagaworks_sagas_started_total{type=\"place-order\"}")
                .contains("sagaworks_sagas_ended_total{status=\"COMPLETED\",type=\"place-order\"}")
                .contains("sagaworks_saga_step_duration_seconds_count{outcome=\"RUNNING\",phase=\"RUNNING\",step=\"RESERVE_STOCK\"");
    }

    @Test
    void compensatesInReverseOrderWhenPaymentIsDeclined() throws Exception {
        OrderId orderId = placeOrder();
        SagaId saga = sagaOf(orderId);
        reply(awaitCommand(Topics.INVENTORY_COMMANDS, saga, "ReserveStock"), new StockReserved(saga, priced, 3000));
        reply(awaitCommand(Topics.PAYMENT_COMMANDS, saga, "ChargePayment"),
                new PaymentDeclined(saga, PaymentDeclined.Reason.INSUFFICIENT_FUNDS));
        var release = awaitCommand(Topics.INVENTORY_COMMANDS, saga, "ReleaseStock");
        assertThat(release.as(ReleaseStock.class).orderId()).isEqualTo(orderId);
        reply(release, new StockReleased(saga, 2));
        var cancel = awaitCommand(Topics.ORDER_COMMANDS, saga, "CancelOrder");
        assertThat(cancel.as(CancelOrder.class).reason()).isEqualTo(CancellationReason.PAYMENT_DECLINED);
        reply(cancel, new OrderCancellationRecorded(saga, true));
        awaitStatus(saga, SagaStatus.COMPENSATED);
        assertThat(saga(saga).get("failureReason").asString()).contains("INSUFFICIENT_FUNDS");
        awaitOutboxEmpty();
    }

    @Test
    void customerCancellationWhileChargingRefundsReleasesAndCancels() throws Exception {
        OrderId orderId = placeOrder();
        SagaId saga = sagaOf(orderId);
        reply(awaitCommand(Topics.INVENTORY_COMMANDS, saga, "ReserveStock"), new StockReserved(saga, priced, 3000));
        var charge = awaitCommand(Topics.PAYMENT_COMMANDS, saga, "ChargePayment");
        kafka.send(new OrderCancelled(orderId, new CustomerId("alice"), CancellationReason.CANCELLED_BY_CUSTOMER,
                Instant.now()));
        var refund = awaitCommand(Topics.PAYMENT_COMMANDS, saga, "RefundPayment");
        // the charge's late answer is stale now and must not move the saga forward
        reply(charge, new PaymentCharged(saga, 3000));
        reply(refund, new PaymentRefunded(saga, 3000));
        reply(awaitCommand(Topics.INVENTORY_COMMANDS, saga, "ReleaseStock"), new StockReleased(saga, 2));
        var cancel = awaitCommand(Topics.ORDER_COMMANDS, saga, "CancelOrder");
        assertThat(cancel.as(CancelOrder.class).reason()).isEqualTo(CancellationReason.CANCELLED_BY_CUSTOMER);
        reply(cancel, new OrderCancellationRecorded(saga, true));
        awaitStatus(saga, SagaStatus.COMPENSATED);
        assertThat(kafka.received(r -> saga.toString().equals(r.key()) && "ApproveOrder".equals(r.type()))).isEmpty();
        assertThat(saga(saga).get("history").valueStream()
                .anyMatch(h -> "IGNORED".equals(h.get("kind").asString())
                        && "PaymentCharged".equals(h.get("messageType").asString()))).isTrue();
        awaitOutboxEmpty();
    }

    @Test
    void startsOneSagaPerOrderEvenWhenOrderPlacedIsRepublished() throws Exception {
        OrderId orderId = OrderId.random();
        var placed = new OrderPlaced(orderId, new CustomerId("bob"), List.of(new OrderLine("SKU-1", 1)), Instant.now());
        kafka.send(placed);
        kafka.send(placed); // a second publication under a new message id: the business key still dedupes
        SagaId saga = sagaOf(orderId);
        awaitCommand(Topics.INVENTORY_COMMANDS, saga, "ReserveStock");
        awaitOutboxEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM saga WHERE business_key = :k").param("k", orderId.toString())
                .query(Long.class).single()).isEqualTo(1);
        assertThat(kafka.received(r -> saga.toString().equals(r.key()) && "ReserveStock".equals(r.type()))).hasSize(1);
    }

    /**
     * The sagas of a batch's replies are read and locked together before it is handled; a saga that an earlier
     * record of the same batch moved must be read again, not taken from that read.
     */
    @Test
    void aBatchWithACancellationAndAReplyOfTheSameSagaSeesTheCancellation() throws Exception {
        OrderId cancelled = placeOrder();
        OrderId other = placeOrder();
        SagaId cancelledSaga = sagaOf(cancelled);
        SagaId otherSaga = sagaOf(other);
        var reserveCancelled = awaitCommand(Topics.INVENTORY_COMMANDS, cancelledSaga, "ReserveStock");
        var reserveOther = awaitCommand(Topics.INVENTORY_COMMANDS, otherSaga, "ReserveStock");
        long offset = ThreadLocalRandom.current().nextLong(1_000_000_000L, 2_000_000_000L);
        double rerunsBefore = reruns();

        consumer.onMessage(List.of(
                KafkaTestClient.consumerRecord(UUID.randomUUID(), new StockReserved(otherSaga, priced, 3000),
                        Map.of(MessageHeaders.CORRELATION_ID, reserveOther.messageId().toString()), offset),
                KafkaTestClient.consumerRecord(UUID.randomUUID(), new OrderCancelled(cancelled,
                        new CustomerId("alice"), CancellationReason.CANCELLED_BY_CUSTOMER, Instant.now()),
                        Map.of(), offset + 1),
                KafkaTestClient.consumerRecord(UUID.randomUUID(), new StockReserved(cancelledSaga, priced, 3000),
                        Map.of(MessageHeaders.CORRELATION_ID, reserveCancelled.messageId().toString()),
                        offset + 2)));

        // handled in one run: a stale read would have failed the reply's move and run the batch again
        assertThat(reruns() - rerunsBefore).isZero();
        JsonNode view = saga(cancelledSaga);
        assertThat(view.get("status").asString()).isEqualTo("COMPENSATING");
        assertThat(view.get("version").asInt()).isEqualTo(2);
        assertThat(view.get("history").valueStream().map(h -> h.get("kind").asString() + " "
                + h.get("messageType").asString()).toList())
                .containsExactly("STARTED OrderPlaced", "TRANSITION OrderCancelled", "IGNORED StockReserved");
        assertThat(saga(otherSaga).get("currentStep").asString()).isEqualTo("CHARGE_PAYMENT");
        awaitCommand(Topics.PAYMENT_COMMANDS, otherSaga, "ChargePayment");
        awaitCommand(Topics.INVENTORY_COMMANDS, cancelledSaga, "ReleaseStock");
        assertThat(kafka.received(r -> cancelledSaga.toString().equals(r.key()) && "ChargePayment".equals(r.type())))
                .isEmpty();
        awaitOutboxEmpty();
    }

    @Test
    void ignoresAndRecordsADuplicateReply() throws Exception {
        OrderId orderId = placeOrder();
        SagaId saga = sagaOf(orderId);
        var reserve = awaitCommand(Topics.INVENTORY_COMMANDS, saga, "ReserveStock");
        reply(reserve, new StockReserved(saga, priced, 3000));
        awaitCommand(Topics.PAYMENT_COMMANDS, saga, "ChargePayment");
        reply(reserve, new StockReserved(saga, priced, 3000));
        await().atMost(WAIT).until(() -> saga(saga).get("history").valueStream()
                .anyMatch(h -> "IGNORED".equals(h.get("kind").asString())));
        JsonNode view = saga(saga);
        assertThat(view.get("status").asString()).isEqualTo("RUNNING");
        assertThat(view.get("currentStep").asString()).isEqualTo("CHARGE_PAYMENT");
        assertThat(view.get("version").asInt()).isEqualTo(2);
        awaitOutboxEmpty();
        assertThat(kafka.received(r -> saga.toString().equals(r.key()) && "ChargePayment".equals(r.type()))).hasSize(1);
    }

    @Test
    void deadLettersAReplyForAnUnknownSaga() {
        SagaId stranger = SagaId.random();
        kafka.send(UUID.randomUUID(), new StockReserved(stranger, priced, 3000),
                Map.of(MessageHeaders.CORRELATION_ID, UUID.randomUUID().toString()));
        var dead = kafka.awaitOne(Topics.deadLetterOf(Topics.INVENTORY_REPLIES), stranger.toString(), WAIT);
        assertThat(dead.headers().get(MessageHeaders.DEAD_LETTER_REASON)).contains("no saga");
        assertThat(jdbc.sql("SELECT count(*) FROM saga WHERE id = :id").param("id", stranger.value())
                .query(Long.class).single()).isZero();
        awaitOutboxEmpty();
    }

    @Test
    void marksTheSagaWhenOneOfItsMessagesIsDeadLettered() throws Exception {
        OrderId orderId = placeOrder();
        SagaId saga = sagaOf(orderId);
        awaitCommand(Topics.INVENTORY_COMMANDS, saga, "ReserveStock");
        UUID poisonId = UUID.randomUUID();
        kafka.sendRaw(Topics.INVENTORY_REPLIES, saga.toString(), "{not json", Map.of(
                MessageHeaders.MESSAGE_ID, poisonId.toString(),
                MessageHeaders.MESSAGE_TYPE, "StockReserved",
                MessageHeaders.SAGA_ID, saga.toString()));
        await().atMost(WAIT).until(() -> saga(saga).get("history").valueStream()
                .anyMatch(h -> "DEAD_LETTER".equals(h.get("kind").asString())));
        JsonNode letter = saga(saga).get("history").valueStream()
                .filter(h -> "DEAD_LETTER".equals(h.get("kind").asString())).findFirst().orElseThrow();
        assertThat(letter.get("messageId").asString()).isEqualTo(poisonId.toString());
        assertThat(letter.get("reason").asString()).contains("inventory.replies").contains("undecodable");
        assertThat(saga(saga).get("status").asString()).isEqualTo("RUNNING");
        awaitOutboxEmpty();
    }

    @Test
    void databaseRefusesAnIllegalStatusJump() {
        OrderId orderId = placeOrder();
        SagaId saga = sagaOf(orderId);
        awaitCommand(Topics.INVENTORY_COMMANDS, saga, "ReserveStock");
        jdbc.sql("UPDATE saga SET status = 'COMPLETED', current_step = NULL, awaiting_message_id = NULL, "
                + "deadline_at = NULL, version = version + 1 WHERE id = :id").param("id", saga.value()).update();
        assertThatThrownBy(() -> jdbc.sql("UPDATE saga SET status = 'COMPENSATED', version = version + 1 WHERE id = :id")
                .param("id", saga.value()).update())
                .isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("illegal saga transition COMPLETED -> COMPENSATED");
        assertThatThrownBy(() -> jdbc.sql("UPDATE saga SET version = version + 5 WHERE id = :id")
                .param("id", saga.value()).update())
                .hasMessageContaining("version must go from");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM saga_history WHERE saga_id = :id").param("id", saga.value()).update())
                .hasMessageContaining("never deleted");
    }

    @Test
    void databaseTransitionTableEqualsTheOneInCode() {
        Set<String> inDatabase = new HashSet<>(jdbc.sql("SELECT from_status || '->' || to_status FROM saga_status_transition")
                .query(String.class).list());
        Set<String> inCode = new HashSet<>();
        SagaStatus.TRANSITIONS.forEach((from, tos) -> tos.forEach(to -> inCode.add(from + "->" + to)));
        assertThat(inDatabase).isEqualTo(inCode);
    }

    @Test
    void answersUnknownSagaWithProblemDetail() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/sagas/" + UUID.randomUUID())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).contains("application/problem+json"));
    }
}
