package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.payment.PaymentFixtures;
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
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.sagaworks.payment.PaymentFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // one listener thread per partition, so charges of different sagas really run side by side
        properties = "sagaworks.messaging.consumer.concurrency=4")
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChargePaymentIT {

    private static final String DEAD_LETTERS = Topics.deadLetterOf(Topics.PAYMENT_COMMANDS);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "payment");
    }

    @Autowired
    JdbcClient jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    PaymentFixtures fixtures;
    KafkaTestClient kafka;

    @BeforeAll
    void connect() {
        fixtures = new PaymentFixtures(jdbc);
        kafka = new KafkaTestClient(bootstrapServers, Topics.PAYMENT_REPLIES, DEAD_LETTERS);
    }

    @AfterAll
    void disconnect() {
        kafka.close();
    }

    @AfterEach
    void invariantsHold() {
        fixtures.awaitOutboxEmpty();
        fixtures.assertMoneyConserved();
    }

    @Test
    void chargesTheAccountAndRepliesPaymentCharged() {
        String alice = fixtures.account("alice", 10_000);
        SagaId saga = SagaId.random();

        UUID commandId = kafka.send(charge(saga, alice, 2_500));

        Received reply = awaitReply(saga);
        assertThat(reply.headers()).containsEntry(MessageHeaders.CORRELATION_ID, commandId.toString());
        assertThat(reply.as(PaymentCharged.class)).isEqualTo(new PaymentCharged(saga, 2_500));
        assertThat(fixtures.balance(alice)).isEqualTo(7_500);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:2500");
    }

    @Test
    void declinesWhenTheBalanceDoesNotCoverTheAmount() {
        String bob = fixtures.account("bob", 1_000);
        SagaId saga = SagaId.random();

        kafka.send(charge(saga, bob, 1_001));

        assertThat(awaitReply(saga).as(PaymentDeclined.class))
                .isEqualTo(new PaymentDeclined(saga, PaymentDeclined.Reason.INSUFFICIENT_FUNDS));
        assertThat(fixtures.balance(bob)).isEqualTo(1_000);
        assertThat(fixtures.ledger(saga.value())).isEmpty();
    }

    @Test
    void declinesAnUnknownAccount() {
        SagaId saga = SagaId.random();

        kafka.send(charge(saga, "nobody-" + UUID.randomUUID(), 100));

        assertThat(awaitReply(saga).as(PaymentDeclined.class))
                .isEqualTo(new PaymentDeclined(saga, PaymentDeclined.Reason.UNKNOWN_ACCOUNT));
        assertThat(fixtures.ledger(saga.value())).isEmpty();
    }

    @Test
    void chargesASagaOnceWhenAskedTwiceUnderDifferentMessageIds() {
        String carol = fixtures.account("carol", 10_000);
        SagaId saga = SagaId.random();
        ChargePayment command = charge(saga, carol, 4_000);

        kafka.send(command);
        kafka.send(command);

        List<Received> replies = kafka.awaitReceived(r -> isReplyTo(r, saga), 2, TIMEOUT);
        assertThat(replies).extracting(Received::messageId).doesNotHaveDuplicates();
        assertThat(replies).extracting(r -> r.as(PaymentCharged.class)).containsOnly(new PaymentCharged(saga, 4_000));
        assertThat(fixtures.balance(carol)).isEqualTo(6_000);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:4000");
    }

    @Test
    void redeliveredCommandChargesOnceAndRepeatsTheSameReply() {
        String dave = fixtures.account("dave", 10_000);
        SagaId saga = SagaId.random();
        ChargePayment command = charge(saga, dave, 3_000);
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
        assertThat(fixtures.balance(dave)).isEqualTo(7_000);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:3000");
    }

    @Test
    void racingChargesNeverOverdrawTheAccount() {
        String erin = fixtures.account("erin", 500);
        List<SagaId> sagas = IntStream.range(0, 10).mapToObj(i -> SagaId.random()).toList();
        Set<String> keys = sagas.stream().map(SagaId::toString).collect(Collectors.toSet());

        sagas.forEach(saga -> kafka.send(charge(saga, erin, 100)));

        await().atMost(TIMEOUT)
                .failFast("balance went negative", () -> fixtures.balance(erin) < 0)
                .until(() -> kafka.received(r -> keys.contains(r.key())).size() >= sagas.size());
        List<Received> replies = kafka.received(r -> keys.contains(r.key()));
        assertThat(replies).filteredOn(r -> r.type().equals("PaymentCharged")).hasSize(5);
        assertThat(replies).filteredOn(r -> r.type().equals("PaymentDeclined"))
                .extracting(r -> r.as(PaymentDeclined.class).reason())
                .hasSize(5)
                .containsOnly(PaymentDeclined.Reason.INSUFFICIENT_FUNDS);
        assertThat(fixtures.balance(erin)).isZero();
    }

    @Test
    void failureAfterTheDebitRollsItBackAndDeadLettersTheCommand() {
        String frank = fixtures.account("frank", 10_000);
        SagaId saga = SagaId.random();
        // a direct trick on the database: the ledger row written after the debit breaks CHECK (amount >= 0)
        jdbc.sql("""
                CREATE FUNCTION break_ledger_row() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.amount_cents := -1;
                    RETURN NEW;
                END;
                $$
                """).update();
        jdbc.sql("CREATE TRIGGER break_ledger_row BEFORE INSERT ON payment_ledger FOR EACH ROW "
                + "WHEN (NEW.saga_id = '" + saga + "') EXECUTE FUNCTION break_ledger_row()").update();
        try {
            kafka.send(charge(saga, frank, 2_000));

            Received deadLetter = kafka.awaitOne(DEAD_LETTERS, saga.toString(), TIMEOUT);
            assertThat(deadLetter.headers()).containsKey(MessageHeaders.DEAD_LETTER_REASON);
            assertThat(fixtures.balance(frank)).isEqualTo(10_000);
            assertThat(fixtures.ledger(saga.value())).isEmpty();
            fixtures.awaitOutboxEmpty();
            assertThat(kafka.received(r -> isReplyTo(r, saga))).isEmpty();
        } finally {
            jdbc.sql("DROP TRIGGER break_ledger_row ON payment_ledger").update();
            jdbc.sql("DROP FUNCTION break_ledger_row()").update();
        }
    }

    @Test
    void transientFailureIsRetriedFromTheTopAndChargesOnce() {
        String grace = fixtures.account("grace", 10_000);
        SagaId saga = SagaId.random();
        // the debit fails twice with a deadlock error, then goes through
        jdbc.sql("CREATE SEQUENCE flaky_debit_attempts").update();
        jdbc.sql("""
                CREATE FUNCTION flaky_debit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('flaky_debit_attempts') <= 2 THEN
                        RAISE EXCEPTION 'injected deadlock' USING ERRCODE = 'deadlock_detected';
                    END IF;
                    RETURN NEW;
                END;
                $$
                """).update();
        jdbc.sql("CREATE TRIGGER flaky_debit BEFORE UPDATE ON account FOR EACH ROW "
                + "WHEN (OLD.customer_id = '" + grace + "') EXECUTE FUNCTION flaky_debit()").update();
        try {
            kafka.send(charge(saga, grace, 1_500));

            assertThat(awaitReply(saga).as(PaymentCharged.class)).isEqualTo(new PaymentCharged(saga, 1_500));
            assertThat(jdbc.sql("SELECT last_value FROM flaky_debit_attempts").query(Long.class).single())
                    .as("two failed attempts, then the one that committed").isEqualTo(3);
            assertThat(fixtures.balance(grace)).isEqualTo(8_500);
            assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:1500");
            fixtures.awaitOutboxEmpty();
            assertThat(kafka.received(r -> isReplyTo(r, saga))).hasSize(1);
        } finally {
            jdbc.sql("DROP TRIGGER flaky_debit ON account").update();
            jdbc.sql("DROP FUNCTION flaky_debit()").update();
            jdbc.sql("DROP SEQUENCE flaky_debit_attempts").update();
        }
    }

    private static ChargePayment charge(SagaId saga, String customer, long amountCents) {
        return new ChargePayment(saga, OrderId.random(), CustomerId.of(customer), amountCents);
    }

    private Received awaitReply(SagaId saga) {
        return kafka.awaitOne(Topics.PAYMENT_REPLIES, saga.toString(), TIMEOUT);
    }

    private static boolean isReplyTo(Received record, SagaId saga) {
        return record.topic().equals(Topics.PAYMENT_REPLIES) && saga.toString().equals(record.key());
    }
}
