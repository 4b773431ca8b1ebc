package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.contracts.payment.PaymentRefunded;
import com.sagaworks.contracts.payment.RefundPayment;
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

import static com.sagaworks.payment.PaymentFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefundPaymentIT {

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
        kafka = new KafkaTestClient(bootstrapServers, Topics.PAYMENT_REPLIES);
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
    void refundGivesTheChargedAmountBack() {
        String alice = fixtures.account("alice", 10_000);
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        kafka.send(new ChargePayment(saga, order, CustomerId.of(alice), 2_500));
        assertThat(awaitReplies(saga, 1).getFirst().as(PaymentCharged.class)).isEqualTo(new PaymentCharged(saga, 2_500));

        kafka.send(new RefundPayment(saga, order, CustomerId.of(alice)));

        assertThat(awaitReplies(saga, 2).get(1).as(PaymentRefunded.class)).isEqualTo(new PaymentRefunded(saga, 2_500));
        assertThat(fixtures.balance(alice)).isEqualTo(10_000);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:2500", "REFUND:2500");
    }

    @Test
    void refundBeforeChargeLeavesAZeroTombstoneThatDeclinesTheLateCharge() {
        String bob = fixtures.account("bob", 10_000);
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();

        kafka.send(new RefundPayment(saga, order, CustomerId.of(bob)));
        assertThat(awaitReplies(saga, 1).getFirst().as(PaymentRefunded.class)).isEqualTo(new PaymentRefunded(saga, 0));
        kafka.send(new ChargePayment(saga, order, CustomerId.of(bob), 2_500));

        assertThat(awaitReplies(saga, 2).get(1).as(PaymentDeclined.class))
                .isEqualTo(new PaymentDeclined(saga, PaymentDeclined.Reason.ALREADY_REFUNDED));
        assertThat(fixtures.balance(bob)).isEqualTo(10_000);
        assertThat(fixtures.ledger(saga.value())).containsExactly("REFUND:0");
    }

    @Test
    void refundingTwiceGivesTheMoneyBackOnce() {
        String carol = fixtures.account("carol", 10_000);
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        kafka.send(new ChargePayment(saga, order, CustomerId.of(carol), 4_000));
        awaitReplies(saga, 1);

        kafka.send(new RefundPayment(saga, order, CustomerId.of(carol)));
        awaitReplies(saga, 2);
        kafka.send(new RefundPayment(saga, order, CustomerId.of(carol)));

        List<Received> replies = awaitReplies(saga, 3);
        assertThat(replies.subList(1, 3)).extracting(r -> r.as(PaymentRefunded.class))
                .containsOnly(new PaymentRefunded(saga, 4_000));
        assertThat(fixtures.balance(carol)).isEqualTo(10_000);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:4000", "REFUND:4000");
    }

    @Test
    void refundGoesBackToTheAccountThatWasCharged() {
        String payer = fixtures.account("payer", 10_000);
        String other = fixtures.account("other", 10_000);
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        kafka.send(new ChargePayment(saga, order, CustomerId.of(payer), 1_000));
        awaitReplies(saga, 1);

        kafka.send(new RefundPayment(saga, order, CustomerId.of(other)));

        assertThat(awaitReplies(saga, 2).get(1).as(PaymentRefunded.class)).isEqualTo(new PaymentRefunded(saga, 1_000));
        assertThat(fixtures.balance(payer)).isEqualTo(10_000);
        assertThat(fixtures.balance(other)).isEqualTo(10_000);
    }

    @Test
    void refundOfADeclinedChargeGivesNothingBack() {
        String dave = fixtures.account("dave", 100);
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        kafka.send(new ChargePayment(saga, order, CustomerId.of(dave), 1_000));
        assertThat(awaitReplies(saga, 1).getFirst().type()).isEqualTo("PaymentDeclined");

        kafka.send(new RefundPayment(saga, order, CustomerId.of(dave)));

        assertThat(awaitReplies(saga, 2).get(1).as(PaymentRefunded.class)).isEqualTo(new PaymentRefunded(saga, 0));
        assertThat(fixtures.balance(dave)).isEqualTo(100);
        assertThat(fixtures.ledger(saga.value())).containsExactly("REFUND:0");
    }

    /** Replies of one saga travel on one partition, so they arrive in the order they were sent. */
    private List<Received> awaitReplies(SagaId saga, int count) {
        return kafka.awaitReceived(r -> r.topic().equals(Topics.PAYMENT_REPLIES)
                && saga.toString().equals(r.key()), count, TIMEOUT);
    }
}
