package com.sagaworks.orchestrator;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.StockReleased;
import com.sagaworks.contracts.order.CancelOrder;
import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.contracts.order.OrderCancellationRecorded;
import com.sagaworks.contracts.order.OrderPlaced;
import com.sagaworks.orchestrator.placeorder.PlaceOrderSaga;
import com.sagaworks.testing.KafkaTestClient;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A participant that never answers: the step is re-sent under the same id, then given up and compensated. */
@SpringBootTest(properties = {
        "sagaworks.orchestrator.step-timeout=300ms",
        "sagaworks.orchestrator.max-attempts=3",
        "sagaworks.orchestrator.sweep-interval=100ms"})
@DirtiesContext
class StepDeadlineIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KafkaTestClient kafka;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "orchestrator_deadline");
    }

    @BeforeAll
    static void participants() {
        kafka = new KafkaTestClient(SharedKafka.bootstrapServers(), Topics.INVENTORY_COMMANDS, Topics.ORDER_COMMANDS);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Autowired
    JdbcClient jdbc;

    @Test
    void resendsAnUnansweredReservationThenReleasesAndCancelsAsTimedOut() {
        OrderId orderId = OrderId.random();
        SagaId saga = PlaceOrderSaga.definition(Duration.ofSeconds(1)).sagaIdFor(orderId.toString());
        kafka.send(new OrderPlaced(orderId, new CustomerId("slow"), List.of(new OrderLine("SKU-1", 1)), Instant.now()));

        var reserves = kafka.awaitReceived(r -> saga.toString().equals(r.key()) && "ReserveStock".equals(r.type()),
                3, WAIT);
        assertThat(reserves).extracting(KafkaTestClient.Received::messageId).containsOnly(reserves.getFirst().messageId());

        var release = kafka.awaitReceived(r -> saga.toString().equals(r.key()) && "ReleaseStock".equals(r.type()),
                1, WAIT).getFirst();
        kafka.send(UUID.randomUUID(), new StockReleased(saga, 0),
                Map.of(MessageHeaders.CORRELATION_ID, release.messageId().toString()));
        var cancel = kafka.awaitReceived(r -> saga.toString().equals(r.key()) && "CancelOrder".equals(r.type()),
                1, WAIT).getFirst();
        assertThat(cancel.as(CancelOrder.class).reason()).isEqualTo(CancellationReason.TIMED_OUT);
        kafka.send(UUID.randomUUID(), new OrderCancellationRecorded(saga, true),
                Map.of(MessageHeaders.CORRELATION_ID, cancel.messageId().toString()));

        await().atMost(WAIT).until(() -> "COMPENSATED".equals(jdbc.sql("SELECT status FROM saga WHERE id = :id")
                .param("id", saga.value()).query(String.class).single()));
        assertThat(reserves.size()).isEqualTo(3);
        assertThat(jdbc.sql("SELECT count(*) FROM saga_history WHERE saga_id = :id AND kind = 'TIMEOUT'")
                .param("id", saga.value()).query(Long.class).single()).isEqualTo(3);
        await().atMost(WAIT).until(() -> jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Long.class).single() == 0);
    }
}
