package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.contracts.payment.PaymentRefunded;
import com.sagaworks.contracts.payment.RefundPayment;
import com.sagaworks.payment.PaymentFixtures;
import com.sagaworks.payment.provider.FakePaymentProvider;
import com.sagaworks.payment.provider.FakePaymentProvider.Behaviour;
import com.sagaworks.payment.provider.IdempotencyKey;
import com.sagaworks.payment.provider.PaymentProvider;
import com.sagaworks.payment.provider.ProviderOutcome;
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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.sagaworks.payment.PaymentFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Payments through an external provider ({@code sagaworks.payments.provider=http}) against a fake provider on
 * 127.0.0.1 that misbehaves on demand. After each test: nothing left in the outbox, no command left waiting
 * for its reply, no attempt left pending, and for every saga the provider holds exactly what the ledger says
 * (charges minus refunds), having taken at most one charge and one refund.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "sagaworks.payments.provider=http",
        "sagaworks.payments.http.connect-timeout=1s",
        "sagaworks.payments.http.read-timeout=1s",
        "sagaworks.payments.attempts.poll-interval=500ms",
        "sagaworks.payments.attempts.initial-backoff=100ms",
        "sagaworks.payments.attempts.max-backoff=400ms",
        "sagaworks.payments.attempts.claim-lease=6s",
        "sagaworks.payments.attempts.refund-max-attempts=3"})
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalProviderIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Longer than the read timeout: a held answer is a timeout for the service. */
    private static final FakePaymentProvider PROVIDER = FakePaymentProvider.start(Duration.ofSeconds(3));

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "payment");
        registry.add("sagaworks.payments.http.base-url", PROVIDER::baseUrl);
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ProviderAttempts attempts;

    @Autowired
    ProviderAttemptWorker worker;

    @Autowired
    PaymentProvider provider;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @LocalServerPort
    int port;

    PaymentFixtures fixtures;
    KafkaTestClient kafka;
    final List<SagaId> sagas = new ArrayList<>();

    @BeforeAll
    void connect() {
        fixtures = new PaymentFixtures(jdbc);
        kafka = new KafkaTestClient(bootstrapServers, Topics.PAYMENT_REPLIES);
    }

    @AfterAll
    void disconnect() {
        kafka.close();
        PROVIDER.close();
    }

    @AfterEach
    void invariantsHold() {
        fixtures.awaitOutboxEmpty();
        for (SagaId saga : sagas) {
            assertThat(pendingReplies(saga)).as("commands of saga %s still waiting for a reply", saga).isZero();
            assertThat(attempts.ofSaga(saga.value()))
                    .as("attempts of saga %s", saga)
                    .noneMatch(a -> a.status() == ProviderAttemptStatus.PENDING);
            assertThat(PROVIDER.netCents(saga)).as("provider holds what the ledger says, saga %s", saga)
                    .isEqualTo(ledgerNetCents(saga));
            assertThat(PROVIDER.movements(saga).stream().filter(m -> m.kind().equals("CHARGE")))
                    .as("charges taken for saga %s", saga).hasSizeLessThanOrEqualTo(1);
            assertThat(PROVIDER.movements(saga).stream().filter(m -> m.kind().equals("REFUND")))
                    .as("refunds made for saga %s", saga).hasSizeLessThanOrEqualTo(1);
        }
        sagas.clear();
    }

    @Test
    void chargesAtTheProviderAndRepliesPaymentChargedOnce() {
        SagaId saga = newSaga();

        UUID commandId = kafka.send(charge(saga, 2_500));

        Received reply = awaitReplies(saga, 1).getFirst();
        assertThat(reply.headers()).containsEntry(MessageHeaders.CORRELATION_ID, commandId.toString());
        assertThat(reply.as(PaymentCharged.class)).isEqualTo(new PaymentCharged(saga, 2_500));
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:2500");
        assertThat(PROVIDER.chargeRequests(saga)).isEqualTo(1);
        assertThat(PROVIDER.calls(saga)).extracting(FakePaymentProvider.Call::key).containsOnly(saga + ":charge");
        assertThat(attempts.ofSaga(saga.value())).singleElement()
                .satisfies(a -> assertThat(a.status()).isEqualTo(ProviderAttemptStatus.SUCCEEDED));
        fixtures.awaitOutboxEmpty();
        assertThat(replies(saga)).hasSize(1);
    }

    @Test
    void aDeclineAtTheProviderRepliesPaymentDeclinedAndIsRemembered() {
        SagaId saga = newSaga();
        PROVIDER.script(saga, Behaviour.DECLINE);

        kafka.send(charge(saga, 2_500));

        assertThat(awaitReplies(saga, 1).getFirst().as(PaymentDeclined.class))
                .isEqualTo(new PaymentDeclined(saga, PaymentDeclined.Reason.INSUFFICIENT_FUNDS));
        assertThat(attempts.ofSaga(saga.value())).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(ProviderAttemptStatus.DECLINED);
            assertThat(a.declineDetail()).isEqualTo("insufficient_funds");
        });

        // asked again under another id: answered from the attempt, the provider is not asked again
        kafka.send(charge(saga, 2_500));

        assertThat(awaitReplies(saga, 2).get(1).as(PaymentDeclined.class))
                .isEqualTo(new PaymentDeclined(saga, PaymentDeclined.Reason.INSUFFICIENT_FUNDS));
        assertThat(PROVIDER.calls(saga)).hasSize(1);
        assertThat(fixtures.ledger(saga.value())).isEmpty();
    }

    @Test
    void aProviderDownThenUpChargesExactlyOnce() {
        SagaId saga = newSaga();
        PROVIDER.script(saga, Behaviour.FAIL_503, Behaviour.FAIL_503, Behaviour.FAIL_503);

        kafka.send(charge(saga, 4_000));

        assertThat(awaitReplies(saga, 1).getFirst().as(PaymentCharged.class)).isEqualTo(new PaymentCharged(saga, 4_000));
        // the first round charged into a 503; every later one asked first, and charged once the provider
        // knew nothing of the key
        assertThat(PROVIDER.statusRequests(saga)).isGreaterThanOrEqualTo(3);
        assertThat(PROVIDER.chargeRequests(saga)).isEqualTo(2);
        assertThat(PROVIDER.movements(saga)).hasSize(1);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:4000");
        assertThat(attempts.ofSaga(saga.value())).singleElement()
                .satisfies(a -> assertThat(a.attempts()).isGreaterThanOrEqualTo(4));
        fixtures.awaitOutboxEmpty();
        assertThat(replies(saga)).hasSize(1);
    }

    @Test
    void aSlowProviderTimesOutAndTheChargeGoesThroughOnceLater() {
        SagaId saga = newSaga();
        PROVIDER.script(saga, Behaviour.SLOW);

        kafka.send(charge(saga, 1_200));

        assertThat(awaitReplies(saga, 1).getFirst().as(PaymentCharged.class)).isEqualTo(new PaymentCharged(saga, 1_200));
        assertThat(PROVIDER.chargeRequests(saga)).isEqualTo(2);
        assertThat(PROVIDER.movements(saga)).hasSize(1);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:1200");
        assertThat(attempts.ofSaga(saga.value())).singleElement()
                .satisfies(a -> assertThat(a.lastError()).contains("Timeout"));
    }

    @Test
    void aChargeThatSucceededWhileTheCallerSawATimeoutIsNotChargedAgain() {
        SagaId saga = newSaga();
        PROVIDER.script(saga, Behaviour.SUCCEED_THEN_HANG);

        kafka.send(charge(saga, 3_300));

        assertThat(awaitReplies(saga, 1).getFirst().as(PaymentCharged.class)).isEqualTo(new PaymentCharged(saga, 3_300));
        assertThat(PROVIDER.chargeRequests(saga)).as("charge requests").isEqualTo(1);
        assertThat(PROVIDER.statusRequests(saga)).as("status questions").isGreaterThanOrEqualTo(1);
        assertThat(PROVIDER.movements(saga)).hasSize(1);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:3300");
        fixtures.awaitOutboxEmpty();
        assertThat(replies(saga)).hasSize(1);
    }

    @Test
    void aDuplicateOfAPendingChargeSendsNothingAndTheProviderIsCalledOnce() {
        SagaId saga = newSaga();
        ChargePayment command = charge(saga, 2_000);
        UUID commandId = UUID.randomUUID();
        UUID otherId;
        worker.stop();
        try {
            kafka.send(commandId, command, Map.of());
            awaitPendingAttempt(saga, LedgerEntryKind.CHARGE);
            kafka.send(commandId, command, Map.of());
            // the same charge under another id, after the redelivery on the saga's partition: once it waits,
            // the redelivery before it has been consumed
            otherId = kafka.send(command);
            await().atMost(TIMEOUT).until(() -> pendingReplies(saga) == 2);
            fixtures.awaitOutboxEmpty();
            assertThat(replies(saga)).as("replies while the charge is pending").isEmpty();
        } finally {
            worker.start();
        }

        List<Received> replies = awaitReplies(saga, 2);
        assertThat(replies).extracting(r -> r.as(PaymentCharged.class)).containsOnly(new PaymentCharged(saga, 2_000));
        assertThat(replies).extracting(r -> r.headers().get(MessageHeaders.CORRELATION_ID))
                .containsExactlyInAnyOrder(commandId.toString(), otherId.toString());
        assertThat(PROVIDER.calls(saga)).hasSize(1);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:2000");

        // once answered, a redelivery re-sends the stored reply, same id, and calls nobody
        Received first = replies.stream()
                .filter(r -> r.headers().get(MessageHeaders.CORRELATION_ID).equals(commandId.toString()))
                .findFirst().orElseThrow();
        kafka.send(commandId, command, Map.of());
        assertThat(awaitReplies(saga, 3).get(2).messageId()).isEqualTo(first.messageId());
        assertThat(PROVIDER.calls(saga)).hasSize(1);
    }

    @Test
    void aRefundBeforeTheChargeDeclinesTheLateChargeWithoutAskingTheProvider() {
        SagaId saga = newSaga();
        OrderId order = OrderId.random();

        kafka.send(new RefundPayment(saga, order, CustomerId.of("alice")));
        assertThat(awaitReplies(saga, 1).getFirst().as(PaymentRefunded.class)).isEqualTo(new PaymentRefunded(saga, 0));
        kafka.send(new ChargePayment(saga, order, CustomerId.of("alice"), 2_500));

        assertThat(awaitReplies(saga, 2).get(1).as(PaymentDeclined.class))
                .isEqualTo(new PaymentDeclined(saga, PaymentDeclined.Reason.ALREADY_REFUNDED));
        assertThat(PROVIDER.calls(saga)).isEmpty();
        assertThat(attempts.ofSaga(saga.value())).isEmpty();
        assertThat(fixtures.ledger(saga.value())).containsExactly("REFUND:0");
    }

    @Test
    void aRefundOvertakingAChargeNotSentYetDeclinesItAndItIsNeverSent() {
        SagaId saga = newSaga();
        OrderId order = OrderId.random();
        UUID chargeId;
        worker.stop();
        try {
            chargeId = kafka.send(new ChargePayment(saga, order, CustomerId.of("alice"), 2_500));
            awaitPendingAttempt(saga, LedgerEntryKind.CHARGE);
            UUID refundId = kafka.send(new RefundPayment(saga, order, CustomerId.of("alice")));

            List<Received> replies = awaitReplies(saga, 2);
            assertThat(reply(replies, chargeId).as(PaymentDeclined.class))
                    .isEqualTo(new PaymentDeclined(saga, PaymentDeclined.Reason.ALREADY_REFUNDED));
            assertThat(reply(replies, refundId).as(PaymentRefunded.class)).isEqualTo(new PaymentRefunded(saga, 0));
        } finally {
            worker.start();
        }

        assertThat(attempts.ofSaga(saga.value())).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(ProviderAttemptStatus.DECLINED);
            assertThat(a.attempts()).isZero();
            assertThat(a.nextTryAt()).as("never due again").isNull();
        });
        assertThat(PROVIDER.calls(saga)).isEmpty();
        assertThat(fixtures.ledger(saga.value())).containsExactly("REFUND:0");
    }

    @Test
    void aRefundOvertakingAChargeInFlightGivesBackWhatTheProviderTook() {
        SagaId saga = newSaga();
        OrderId order = OrderId.random();
        PROVIDER.script(saga, Behaviour.SUCCEED_THEN_HANG);

        UUID chargeId = kafka.send(new ChargePayment(saga, order, CustomerId.of("alice"), 2_500));
        UUID refundId = refundWhileTheChargeIsUndecided(saga, order);

        List<Received> replies = awaitReplies(saga, 2);
        assertThat(reply(replies, chargeId).as(PaymentCharged.class)).isEqualTo(new PaymentCharged(saga, 2_500));
        assertThat(reply(replies, refundId).as(PaymentRefunded.class)).isEqualTo(new PaymentRefunded(saga, 2_500));
        assertThat(PROVIDER.chargeRequests(saga)).as("the charge was never sent again").isEqualTo(1);
        assertThat(PROVIDER.movements(saga)).extracting(FakePaymentProvider.Movement::kind)
                .containsExactly("CHARGE", "REFUND");
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:2500", "REFUND:2500");
    }

    @Test
    void aRefundOvertakingAChargeInFlightThatTheProviderNeverTookDeclinesItForGood() {
        SagaId saga = newSaga();
        OrderId order = OrderId.random();
        PROVIDER.script(saga, Behaviour.SLOW);

        UUID chargeId = kafka.send(new ChargePayment(saga, order, CustomerId.of("alice"), 2_500));
        UUID refundId = refundWhileTheChargeIsUndecided(saga, order);

        List<Received> replies = awaitReplies(saga, 2);
        assertThat(reply(replies, chargeId).as(PaymentDeclined.class))
                .isEqualTo(new PaymentDeclined(saga, PaymentDeclined.Reason.ALREADY_REFUNDED));
        assertThat(reply(replies, refundId).as(PaymentRefunded.class)).isEqualTo(new PaymentRefunded(saga, 0));
        assertThat(PROVIDER.chargeRequests(saga)).as("the charge was never sent again").isEqualTo(1);
        assertThat(PROVIDER.movements(saga)).isEmpty();
        assertThat(fixtures.ledger(saga.value())).containsExactly("REFUND:0");
        assertThat(attempts.ofSaga(saga.value())).singleElement()
                .satisfies(a -> assertThat(a.declineDetail()).isEqualTo("refunded before the provider saw the charge"));
    }

    @Test
    void aRefundThatKeepsFailingIsParkedVisiblyUntilSupportReArmsIt() {
        SagaId saga = newSaga();
        OrderId order = OrderId.random();
        kafka.send(new ChargePayment(saga, order, CustomerId.of("alice"), 5_000));
        awaitReplies(saga, 1);
        PROVIDER.script(saga, Behaviour.FAIL_503, Behaviour.FAIL_503, Behaviour.FAIL_503);

        kafka.send(new RefundPayment(saga, order, CustomerId.of("alice")));

        await().atMost(TIMEOUT).until(() -> refundAttempt(saga).nextTryAt() == null);
        ProviderAttempt parked = refundAttempt(saga);
        assertThat(parked.status()).isEqualTo(ProviderAttemptStatus.PENDING);
        assertThat(parked.attempts()).isEqualTo(3);
        assertThat(parked.lastError()).contains("503");
        assertThat(pendingReplies(saga)).as("the RefundPayment still waits").isOne();
        assertThat(PROVIDER.calls(saga)).as("one charge, then three refund rounds").hasSize(4);
        fixtures.awaitOutboxEmpty();
        assertThat(replies(saga)).as("no reply says a refund failed").hasSize(1);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:5000");
        JsonNode shown = JSON.readTree(RestClient.create("http://127.0.0.1:" + port).get()
                .uri("/payments/{saga}/attempts", saga).retrieve().body(String.class));
        assertThat(shown).hasSize(2);
        assertThat(shown.get(1).get("kind").asString()).isEqualTo("REFUND");
        assertThat(shown.get(1).get("status").asString()).isEqualTo("PENDING");
        assertThat(shown.get(1).get("nextTryAt").isNull()).as("parked").isTrue();
        assertThat(shown.get(1).get("lastError").asString()).contains("503");

        // support re-arms it once the provider is back
        assertThat(jdbc.sql("""
                        UPDATE provider_attempt SET next_try_at = now()
                        WHERE saga_id = :saga AND kind = 'REFUND' AND status = 'PENDING'
                        """).param("saga", saga.value()).update()).isOne();

        assertThat(awaitReplies(saga, 2).get(1).as(PaymentRefunded.class)).isEqualTo(new PaymentRefunded(saga, 5_000));
        assertThat(PROVIDER.refundRequests(saga)).as("refund requests").isEqualTo(2);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:5000", "REFUND:5000");
    }

    @Test
    void aRecoveryPollCompletesAnAttemptWhoseWorkerDiedMidway() {
        SagaId saga = newSaga();
        UUID commandId;
        worker.stop();
        try {
            commandId = kafka.send(charge(saga, 7_700));
            awaitPendingAttempt(saga, LedgerEntryKind.CHARGE);
            // what a worker that died mid-way leaves: it claimed the attempt, the provider charged, and the
            // process was gone before it recorded anything; its claim lease has run out since
            assertThat(jdbc.sql("""
                            UPDATE provider_attempt SET attempts = attempts + 1, next_try_at = now()
                            WHERE saga_id = :saga AND kind = 'CHARGE' AND status = 'PENDING'
                            """).param("saga", saga.value()).update()).isOne();
            assertThat(provider.charge(IdempotencyKey.charge(saga), CustomerId.of("alice"), 7_700))
                    .isEqualTo(new ProviderOutcome.Succeeded());
        } finally {
            worker.start();
        }

        Received reply = awaitReplies(saga, 1).getFirst();
        assertThat(reply.headers()).containsEntry(MessageHeaders.CORRELATION_ID, commandId.toString());
        assertThat(reply.as(PaymentCharged.class)).isEqualTo(new PaymentCharged(saga, 7_700));
        assertThat(PROVIDER.chargeRequests(saga)).as("only the dead worker's charge").isEqualTo(1);
        assertThat(PROVIDER.statusRequests(saga)).isGreaterThanOrEqualTo(1);
        assertThat(fixtures.ledger(saga.value())).containsExactly("CHARGE:7700");
        assertThat(attempts.ofSaga(saga.value())).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(ProviderAttemptStatus.SUCCEEDED);
            assertThat(a.attempts()).isGreaterThanOrEqualTo(2);
        });
    }

    /**
     * Lets the first charge round reach the provider and end without an answer (the worker stops once the round
     * is over), sends the saga's RefundPayment while the charge is undecided, and restarts the worker once the
     * refund waits for the charge.
     */
    private UUID refundWhileTheChargeIsUndecided(SagaId saga, OrderId order) {
        await().atMost(TIMEOUT).until(() -> PROVIDER.chargeRequests(saga) == 1);
        worker.stop();
        try {
            assertThat(attempts.ofSaga(saga.value())).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo(ProviderAttemptStatus.PENDING);
                assertThat(a.lastError()).as("the round saw a timeout").isNotNull();
            });
            UUID refundId = kafka.send(new RefundPayment(saga, order, CustomerId.of("alice")));
            await().atMost(TIMEOUT).until(() -> jdbc.sql(
                            "SELECT count(*) FROM pending_reply WHERE saga_id = :saga AND kind = 'REFUND'")
                    .param("saga", saga.value()).query(Integer.class).single() == 1);
            return refundId;
        } finally {
            worker.start();
        }
    }

    private SagaId newSaga() {
        SagaId saga = SagaId.random();
        sagas.add(saga);
        return saga;
    }

    private static ChargePayment charge(SagaId saga, long amountCents) {
        return new ChargePayment(saga, OrderId.random(), CustomerId.of("alice"), amountCents);
    }

    private void awaitPendingAttempt(SagaId saga, LedgerEntryKind kind) {
        await().atMost(TIMEOUT).until(() -> attempts.ofSaga(saga.value()).stream()
                .anyMatch(a -> a.kind() == kind && a.status() == ProviderAttemptStatus.PENDING));
    }

    private ProviderAttempt refundAttempt(SagaId saga) {
        return attempts.ofSaga(saga.value()).stream().filter(a -> a.kind() == LedgerEntryKind.REFUND)
                .findFirst().orElseThrow();
    }

    private int pendingReplies(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM pending_reply WHERE saga_id = :saga")
                .param("saga", saga.value()).query(Integer.class).single();
    }

    private long ledgerNetCents(SagaId saga) {
        return jdbc.sql("""
                        SELECT coalesce(sum(CASE kind WHEN 'CHARGE' THEN amount_cents ELSE -amount_cents END), 0)
                        FROM payment_ledger WHERE saga_id = :saga
                        """)
                .param("saga", saga.value()).query(Long.class).single();
    }

    /** Replies of one saga travel on one partition, so they arrive in the order they were sent. */
    private List<Received> awaitReplies(SagaId saga, int count) {
        return kafka.awaitReceived(r -> isReplyTo(r, saga), count, TIMEOUT);
    }

    private List<Received> replies(SagaId saga) {
        return kafka.received(r -> isReplyTo(r, saga));
    }

    private static boolean isReplyTo(Received record, SagaId saga) {
        return record.topic().equals(Topics.PAYMENT_REPLIES) && saga.toString().equals(record.key());
    }

    private static Received reply(List<Received> replies, UUID commandId) {
        return replies.stream()
                .filter(r -> commandId.toString().equals(r.headers().get(MessageHeaders.CORRELATION_ID)))
                .findFirst().orElseThrow(() -> new AssertionError("no reply to command " + commandId));
    }
}
