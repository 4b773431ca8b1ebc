package com.sagaworks.inventory.reservation;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReleaseStock;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockRejected;
import com.sagaworks.contracts.inventory.StockReleased;
import com.sagaworks.inventory.InventoryFixtures;
import com.sagaworks.testing.KafkaTestClient;
import com.sagaworks.testing.KafkaTestClient.Received;
import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.List;

import static com.sagaworks.inventory.InventoryFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseStockIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "inventory");
    }

    @Autowired
    JdbcClient jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    InventoryFixtures fixtures;
    KafkaTestClient kafka;

    @BeforeAll
    void connect() {
        fixtures = new InventoryFixtures(jdbc);
        kafka = new KafkaTestClient(bootstrapServers, Topics.INVENTORY_REPLIES);
    }

    @AfterAll
    void disconnect() {
        kafka.close();
    }

    @AfterEach
    void invariantsHold() {
        fixtures.awaitOutboxEmpty();
        fixtures.assertStockConserved();
    }

    @Test
    void releasingAReservationGivesItsUnitsBack() {
        String book = fixtures.product("BOOK", 1_299, 10);
        String mug = fixtures.product("MUG", 999, 10);
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        kafka.send(new ReserveStock(saga, order, List.of(new OrderLine(book, 3), new OrderLine(mug, 2))));
        assertThat(awaitReplies(saga, 1).getFirst().type()).isEqualTo("StockReserved");

        kafka.send(new ReleaseStock(saga, order));

        assertThat(awaitReplies(saga, 2).get(1).as(StockReleased.class)).isEqualTo(new StockReleased(saga, 5));
        assertThat(fixtures.available(book)).isEqualTo(10);
        assertThat(fixtures.available(mug)).isEqualTo(10);
        assertThat(fixtures.reservationStatus(saga.value())).isEqualTo("RELEASED");
        assertThat(fixtures.lineCount(saga.value())).as("kept as the record of what was held").isEqualTo(2);
    }

    @Test
    void releaseBeforeReserveLeavesATombstoneThatRefusesTheLateReservation() {
        String lamp = fixtures.product("LAMP", 3_499, 10);
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();

        kafka.send(new ReleaseStock(saga, order));
        assertThat(awaitReplies(saga, 1).getFirst().as(StockReleased.class)).isEqualTo(new StockReleased(saga, 0));
        kafka.send(new ReserveStock(saga, order, List.of(new OrderLine(lamp, 1))));

        assertThat(awaitReplies(saga, 2).get(1).as(StockRejected.class))
                .isEqualTo(new StockRejected(saga, StockRejected.Reason.ALREADY_RELEASED, List.of()));
        assertThat(fixtures.available(lamp)).isEqualTo(10);
        assertThat(fixtures.reservationStatus(saga.value())).isEqualTo("RELEASED");
        assertThat(fixtures.lineCount(saga.value())).isZero();
    }

    @Test
    void releasingTwiceGivesTheUnitsBackOnce() {
        String pen = fixtures.product("PEN", 150, 10);
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        kafka.send(new ReserveStock(saga, order, List.of(new OrderLine(pen, 4))));
        awaitReplies(saga, 1);

        kafka.send(new ReleaseStock(saga, order));
        awaitReplies(saga, 2);
        kafka.send(new ReleaseStock(saga, order));

        List<Received> replies = awaitReplies(saga, 3);
        assertThat(replies.subList(1, 3)).extracting(r -> r.as(StockReleased.class))
                .containsExactly(new StockReleased(saga, 4), new StockReleased(saga, 0));
        assertThat(fixtures.available(pen)).isEqualTo(10);
    }

    @Test
    void releasingARejectedReservationGivesNothingBack() {
        String scarce = fixtures.product("SCARCE", 700, 1);
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        kafka.send(new ReserveStock(saga, order, List.of(new OrderLine(scarce, 2))));
        assertThat(awaitReplies(saga, 1).getFirst().type()).isEqualTo("StockRejected");

        kafka.send(new ReleaseStock(saga, order));

        assertThat(awaitReplies(saga, 2).get(1).as(StockReleased.class)).isEqualTo(new StockReleased(saga, 0));
        assertThat(fixtures.available(scarce)).isEqualTo(1);
        assertThat(fixtures.reservationStatus(saga.value())).isEqualTo("REJECTED");
    }

    /** Replies of one saga travel on one partition, so they arrive in the order they were sent. */
    private List<Received> awaitReplies(SagaId saga, int count) {
        return kafka.awaitReceived(r -> r.topic().equals(Topics.INVENTORY_REPLIES)
                && saga.toString().equals(r.key()), count, TIMEOUT);
    }
}
