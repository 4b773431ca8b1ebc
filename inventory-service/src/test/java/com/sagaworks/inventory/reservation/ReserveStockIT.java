package com.sagaworks.inventory.reservation;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockRejected;
import com.sagaworks.contracts.inventory.StockReserved;
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
import java.util.Map;
import java.util.UUID;

import static com.sagaworks.inventory.InventoryFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReserveStockIT {

    private static final String DEAD_LETTERS = Topics.deadLetterOf(Topics.INVENTORY_COMMANDS);

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
        kafka = new KafkaTestClient(bootstrapServers, Topics.INVENTORY_REPLIES, DEAD_LETTERS);
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
    void reservesEveryLineAtCatalogPricesAndRepliesStockReserved() {
        String book = fixtures.product("BOOK", 1_299, 10);
        String mug = fixtures.product("MUG", 999, 10);
        SagaId saga = SagaId.random();

        UUID commandId = kafka.send(new ReserveStock(saga, OrderId.random(),
                List.of(new OrderLine(book, 2), new OrderLine(mug, 3))));

        Received reply = awaitReply(saga);
        assertThat(reply.type()).isEqualTo("StockReserved");
        assertThat(reply.headers()).containsEntry(MessageHeaders.CORRELATION_ID, commandId.toString());
        StockReserved reserved = reply.as(StockReserved.class);
        assertThat(reserved.lines()).containsExactlyInAnyOrder(
                new PricedLine(book, 2, 1_299), new PricedLine(mug, 3, 999));
        assertThat(reserved.totalCents()).isEqualTo(2 * 1_299 + 3 * 999);
        assertThat(fixtures.available(book)).isEqualTo(8);
        assertThat(fixtures.available(mug)).isEqualTo(7);
        assertThat(fixtures.reservationStatus(saga.value())).isEqualTo("RESERVED");
        assertThat(fixtures.lineCount(saga.value())).isEqualTo(2);
    }

    @Test
    void rejectsAnOrderWithAShortLineAndReservesNothing() {
        String plenty = fixtures.product("PLENTY", 500, 10);
        String scarce = fixtures.product("SCARCE", 700, 1);
        SagaId saga = SagaId.random();

        kafka.send(new ReserveStock(saga, OrderId.random(),
                List.of(new OrderLine(plenty, 1), new OrderLine(scarce, 2))));

        Received reply = awaitReply(saga);
        assertThat(reply.as(StockRejected.class))
                .isEqualTo(new StockRejected(saga, StockRejected.Reason.OUT_OF_STOCK, List.of(scarce)));
        assertThat(fixtures.available(plenty)).isEqualTo(10);
        assertThat(fixtures.available(scarce)).isEqualTo(1);
        assertThat(fixtures.reservationStatus(saga.value())).isEqualTo("REJECTED");
        assertThat(fixtures.lineCount(saga.value())).isZero();
    }

    @Test
    void rejectsAnUnknownProductAndReservesNothing() {
        String known = fixtures.product("KNOWN", 500, 10);
        SagaId saga = SagaId.random();

        kafka.send(new ReserveStock(saga, OrderId.random(),
                List.of(new OrderLine(known, 1), new OrderLine("NO-SUCH-SKU", 1))));

        assertThat(awaitReply(saga).as(StockRejected.class))
                .isEqualTo(new StockRejected(saga, StockRejected.Reason.UNKNOWN_PRODUCT, List.of("NO-SUCH-SKU")));
        assertThat(fixtures.available(known)).isEqualTo(10);
        assertThat(fixtures.reservationStatus(saga.value())).isEqualTo("REJECTED");
        assertThat(fixtures.lineCount(saga.value())).isZero();
    }

    @Test
    void sumsTwoLinesOfTheSameProductIntoOne() {
        String pen = fixtures.product("PEN", 150, 10);
        SagaId saga = SagaId.random();

        kafka.send(new ReserveStock(saga, OrderId.random(), List.of(new OrderLine(pen, 2), new OrderLine(pen, 3))));

        StockReserved reserved = awaitReply(saga).as(StockReserved.class);
        assertThat(reserved.lines()).containsExactly(new PricedLine(pen, 5, 150));
        assertThat(reserved.totalCents()).isEqualTo(750);
        assertThat(fixtures.available(pen)).isEqualTo(5);
    }

    @Test
    void redeliveredCommandReservesOnceAndRepeatsTheSameReply() {
        String lamp = fixtures.product("LAMP", 3_499, 10);
        SagaId saga = SagaId.random();
        ReserveStock command = new ReserveStock(saga, OrderId.random(), List.of(new OrderLine(lamp, 4)));
        UUID commandId = UUID.randomUUID();

        kafka.send(commandId, command, Map.of());
        Received first = awaitReply(saga);
        // wait until the first reply left the outbox, so the re-sent one is a new publication of the same id
        fixtures.awaitOutboxEmpty();
        kafka.send(commandId, command, Map.of());

        List<Received> replies = kafka.awaitReceived(r -> isReplyTo(r, saga), 2, TIMEOUT);
        assertThat(replies).extracting(Received::messageId).containsOnly(first.messageId());
        assertThat(replies).extracting(r -> r.headers().get(MessageHeaders.CORRELATION_ID))
                .containsOnly(commandId.toString());
        assertThat(fixtures.available(lamp)).isEqualTo(6);
        assertThat(fixtures.lineCount(saga.value())).isEqualTo(1);
    }

    @Test
    void sameSagaAskingAgainUnderANewMessageIdGetsTheStoredReservation() {
        String cable = fixtures.product("CABLE", 899, 10);
        SagaId saga = SagaId.random();
        ReserveStock command = new ReserveStock(saga, OrderId.random(), List.of(new OrderLine(cable, 3)));

        kafka.send(command);
        awaitReply(saga);
        kafka.send(command);

        List<Received> replies = kafka.awaitReceived(r -> isReplyTo(r, saga), 2, TIMEOUT);
        assertThat(replies).extracting(r -> r.as(StockReserved.class)).containsOnly(
                new StockReserved(saga, List.of(new PricedLine(cable, 3, 899)), 2_697));
        assertThat(fixtures.available(cable)).isEqualTo(7);
    }

    @Test
    void sameSagaAskingAgainAfterARejectionGetsTheSameRejection() {
        String late = "LATE-" + UUID.randomUUID().toString().substring(0, 8);
        SagaId saga = SagaId.random();
        ReserveStock command = new ReserveStock(saga, OrderId.random(), List.of(new OrderLine(late, 2)));

        kafka.send(command);
        awaitReply(saga);
        // the product shows up after the rejection: the saga's answer must not change
        jdbc.sql("INSERT INTO product (sku, name, price_cents, available) VALUES (:sku, 'Late product', 100, 5)")
                .param("sku", late).update();
        kafka.send(command);

        List<Received> replies = kafka.awaitReceived(r -> isReplyTo(r, saga), 2, TIMEOUT);
        assertThat(replies).extracting(r -> r.as(StockRejected.class)).containsOnly(
                new StockRejected(saga, StockRejected.Reason.UNKNOWN_PRODUCT, List.of(late)));
        assertThat(fixtures.available(late)).isEqualTo(5);
        assertThat(fixtures.lineCount(saga.value())).isZero();
    }

    @Test
    void failureOnTheSecondLineRollsBackTheFirstAndDeadLettersTheCommand() {
        String first = fixtures.product("A-FIRST", 100, 10);
        String second = fixtures.product("B-SECOND", 100, 10);
        // a direct trick on the database: the second line's UPDATE breaks CHECK (available >= 0)
        jdbc.sql("""
                CREATE FUNCTION break_second_line() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.available := -1;
                    RETURN NEW;
                END;
                $$
                """).update();
        jdbc.sql("CREATE TRIGGER break_second_line BEFORE UPDATE ON product FOR EACH ROW "
                + "WHEN (OLD.sku = '" + second + "') EXECUTE FUNCTION break_second_line()").update();
        try {
            SagaId saga = SagaId.random();
            kafka.send(new ReserveStock(saga, OrderId.random(),
                    List.of(new OrderLine(first, 2), new OrderLine(second, 2))));

            Received deadLetter = kafka.awaitOne(DEAD_LETTERS, saga.toString(), TIMEOUT);
            assertThat(deadLetter.headers()).containsKey(MessageHeaders.DEAD_LETTER_REASON);
            assertThat(fixtures.reservationStatus(saga.value())).isNull();
            assertThat(fixtures.lineCount(saga.value())).isZero();
            assertThat(fixtures.available(first)).isEqualTo(10);
            assertThat(fixtures.available(second)).isEqualTo(10);
            fixtures.awaitOutboxEmpty();
            assertThat(kafka.received(r -> isReplyTo(r, saga))).isEmpty();
        } finally {
            jdbc.sql("DROP TRIGGER break_second_line ON product").update();
            jdbc.sql("DROP FUNCTION break_second_line()").update();
        }
    }

    @Test
    void transientFailureIsRetriedFromTheTopAndReservesOnce() {
        String first = fixtures.product("A-FIRST", 100, 10);
        String second = fixtures.product("B-SECOND", 100, 10);
        // the second line's UPDATE fails twice with a serialization failure, then goes through
        jdbc.sql("CREATE SEQUENCE flaky_second_line_attempts").update();
        jdbc.sql("""
                CREATE FUNCTION flaky_second_line() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('flaky_second_line_attempts') <= 2 THEN
                        RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = 'serialization_failure';
                    END IF;
                    RETURN NEW;
                END;
                $$
                """).update();
        jdbc.sql("CREATE TRIGGER flaky_second_line BEFORE UPDATE ON product FOR EACH ROW "
                + "WHEN (OLD.sku = '" + second + "') EXECUTE FUNCTION flaky_second_line()").update();
        try {
            SagaId saga = SagaId.random();
            kafka.send(new ReserveStock(saga, OrderId.random(),
                    List.of(new OrderLine(first, 2), new OrderLine(second, 3))));

            assertThat(awaitReply(saga).type()).isEqualTo("StockReserved");
            assertThat(jdbc.sql("SELECT last_value FROM flaky_second_line_attempts").query(Long.class).single())
                    .as("two failed attempts, then the one that committed").isEqualTo(3);
            assertThat(fixtures.available(first)).isEqualTo(8);
            assertThat(fixtures.available(second)).isEqualTo(7);
            fixtures.awaitOutboxEmpty();
            assertThat(kafka.received(r -> isReplyTo(r, saga))).hasSize(1);
        } finally {
            jdbc.sql("DROP TRIGGER flaky_second_line ON product").update();
            jdbc.sql("DROP FUNCTION flaky_second_line()").update();
            jdbc.sql("DROP SEQUENCE flaky_second_line_attempts").update();
        }
    }

    private Received awaitReply(SagaId saga) {
        return kafka.awaitOne(Topics.INVENTORY_REPLIES, saga.toString(), TIMEOUT);
    }

    private static boolean isReplyTo(Received record, SagaId saga) {
        return record.topic().equals(Topics.INVENTORY_REPLIES) && saga.toString().equals(record.key());
    }
}
