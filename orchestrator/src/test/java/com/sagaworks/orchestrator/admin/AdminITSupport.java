package com.sagaworks.orchestrator.admin;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.order.OrderPlaced;
import com.sagaworks.orchestrator.placeorder.PlaceOrderSaga;
import com.sagaworks.testing.KafkaTestClient;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * The orchestrator with the admin view against a real PostgreSQL and broker; the test plays the participants on
 * Kafka and their read APIs over HTTP. Step deadlines are long so that a saga waits (stuck) until the test acts;
 * "stuck" starts after one second without a move. The context is closed after each class because its consumers
 * would otherwise keep reading the shared topics under the orchestrator's group while other test classes run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "sagaworks.orchestrator.step-timeout=10m",
        "sagaworks.admin.stuck-after=1s",
        "sagaworks.admin.participants.timeout=1s",
        "sagaworks.admin.participants.order-api-key=" + FakeParticipants.API_KEY})
@DirtiesContext
abstract class AdminITSupport {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final FakeParticipants participants = FakeParticipants.start();
    static KafkaTestClient kafka;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "orchestrator_admin");
        registry.add("sagaworks.admin.participants.inventory-url", () -> participants.baseUrl("inventory"));
        registry.add("sagaworks.admin.participants.payment-url", () -> participants.baseUrl("payment"));
        registry.add("sagaworks.admin.participants.order-url", () -> participants.baseUrl("order"));
    }

    @BeforeAll
    static void playParticipants() {
        kafka = new KafkaTestClient(SharedKafka.bootstrapServers(), Topics.INVENTORY_COMMANDS, Topics.PAYMENT_COMMANDS,
                Topics.ORDER_COMMANDS);
    }

    @AfterAll
    static void stopPlaying() {
        kafka.close();
    }

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    OrderId placeOrder(String customer) {
        OrderId orderId = OrderId.random();
        kafka.send(new OrderPlaced(orderId, new CustomerId(customer), List.of(new OrderLine("SKU-1", 2)),
                Instant.now()));
        return orderId;
    }

    static SagaId sagaOf(OrderId orderId) {
        return PlaceOrderSaga.definition(Duration.ofSeconds(30)).sagaIdFor(orderId.toString());
    }

    KafkaTestClient.Received awaitCommand(SagaId saga, String type) {
        return awaitCommands(saga, type, 1).getLast();
    }

    List<KafkaTestClient.Received> awaitCommands(SagaId saga, String type, int count) {
        return kafka.awaitReceived(r -> saga.toString().equals(r.key()) && type.equals(r.type()), count, WAIT);
    }

    void reply(KafkaTestClient.Received command, Object reply) {
        kafka.send(UUID.randomUUID(), reply, Map.of(MessageHeaders.CORRELATION_ID, command.messageId().toString()));
    }

    String status(SagaId saga) {
        return jdbc.sql("SELECT status FROM saga WHERE id = :id").param("id", saga.value()).query(String.class)
                .single();
    }

    int version(SagaId saga) {
        return jdbc.sql("SELECT version FROM saga WHERE id = :id").param("id", saga.value()).query(Integer.class)
                .single();
    }

    void awaitStatus(SagaId saga, String status) {
        await().atMost(WAIT).until(() -> status.equals(status(saga)));
    }

    void awaitOutboxEmpty() {
        await().atMost(WAIT).until(() -> jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Long.class)
                .single() == 0);
    }

    long historyRows(SagaId saga, String kind) {
        return jdbc.sql("SELECT count(*) FROM saga_history WHERE saga_id = :id AND kind = :kind")
                .param("id", saga.value()).param("kind", kind).query(Long.class).single();
    }
}
