package com.sagaworks.payment.provider;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.payment.provider.FakePaymentProvider.Behaviour;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How the HTTP adapter reads the provider's answers, and its silences, against the fake provider. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpPaymentProviderTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final CustomerId ALICE = CustomerId.of("alice");

    FakePaymentProvider fake;
    HttpPaymentProvider provider;

    @BeforeAll
    void start() {
        fake = FakePaymentProvider.start(READ_TIMEOUT.multipliedBy(3));
        provider = new HttpPaymentProvider(new PaymentsProperties.Http(URI.create(fake.baseUrl()),
                Duration.ofSeconds(1), READ_TIMEOUT));
    }

    @AfterAll
    void stop() {
        provider.close();
        fake.close();
    }

    @Test
    void aChargeThatWentThroughSucceedsAndTheSameKeyNeverChargesAgain() {
        SagaId saga = SagaId.random();

        assertThat(provider.charge(IdempotencyKey.charge(saga), ALICE, 2_500)).isEqualTo(new ProviderOutcome.Succeeded());
        assertThat(provider.charge(IdempotencyKey.charge(saga), ALICE, 2_500)).isEqualTo(new ProviderOutcome.Succeeded());

        assertThat(fake.chargeRequests(saga)).isEqualTo(2);
        assertThat(fake.movements(saga)).hasSize(1);
        assertThat(fake.calls(saga)).extracting(FakePaymentProvider.Call::key).containsOnly(saga + ":charge");
    }

    @Test
    void aRefusalIsADeclineWithTheProvidersReasonKept() {
        SagaId saga = SagaId.random();
        fake.script(saga, Behaviour.DECLINE);

        assertThat(provider.charge(IdempotencyKey.charge(saga), ALICE, 2_500)).isEqualTo(
                new ProviderOutcome.Declined(PaymentDeclined.Reason.INSUFFICIENT_FUNDS, "insufficient_funds"));
        assertThat(fake.netCents(saga)).isZero();
    }

    @Test
    void providerReasonsMapToTheContractsReasons() {
        assertThat(HttpPaymentProvider.reasonOf("unknown_account")).isEqualTo(PaymentDeclined.Reason.UNKNOWN_ACCOUNT);
        assertThat(HttpPaymentProvider.reasonOf("insufficient_funds"))
                .isEqualTo(PaymentDeclined.Reason.INSUFFICIENT_FUNDS);
        assertThat(HttpPaymentProvider.reasonOf("card_expired")).isEqualTo(PaymentDeclined.Reason.INSUFFICIENT_FUNDS);
        assertThat(HttpPaymentProvider.reasonOf(null)).isEqualTo(PaymentDeclined.Reason.INSUFFICIENT_FUNDS);
    }

    @Test
    void a503IsUnknownAndMovesNothing() {
        SagaId saga = SagaId.random();
        fake.script(saga, Behaviour.FAIL_503);

        assertThat(provider.charge(IdempotencyKey.charge(saga), ALICE, 2_500))
                .isInstanceOfSatisfying(ProviderOutcome.Unknown.class, u -> assertThat(u.error()).contains("503"));
        assertThat(fake.movements(saga)).isEmpty();
    }

    @Test
    void aSlowProviderIsUnknownAfterTheReadTimeout() {
        SagaId saga = SagaId.random();
        fake.script(saga, Behaviour.SLOW);

        long started = System.nanoTime();
        ProviderOutcome outcome = provider.charge(IdempotencyKey.charge(saga), ALICE, 2_500);

        assertThat(outcome).isInstanceOf(ProviderOutcome.Unknown.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(READ_TIMEOUT.multipliedBy(3));
        assertThat(provider.status(IdempotencyKey.charge(saga))).isEqualTo(new ProviderOutcome.NotFound());
    }

    @Test
    void aChargeThatSucceededBehindATimeoutIsFoundByItsStatus() {
        SagaId saga = SagaId.random();
        fake.script(saga, Behaviour.SUCCEED_THEN_HANG);

        assertThat(provider.charge(IdempotencyKey.charge(saga), ALICE, 2_500)).isInstanceOf(ProviderOutcome.Unknown.class);

        assertThat(provider.status(IdempotencyKey.charge(saga))).isEqualTo(new ProviderOutcome.Succeeded());
        assertThat(fake.movements(saga)).hasSize(1);
    }

    @Test
    void aRefundGivesBackTheChargeOfItsSaga() {
        SagaId saga = SagaId.random();
        provider.charge(IdempotencyKey.charge(saga), ALICE, 2_500);

        assertThat(provider.refund(IdempotencyKey.refund(saga), ALICE, 2_500)).isEqualTo(new ProviderOutcome.Succeeded());
        assertThat(provider.status(IdempotencyKey.refund(saga))).isEqualTo(new ProviderOutcome.Succeeded());
        assertThat(fake.netCents(saga)).isZero();
    }

    @Test
    void aRefusedConnectionIsUnknown() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (HttpPaymentProvider nowhere = new HttpPaymentProvider(new PaymentsProperties.Http(
                URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(1), READ_TIMEOUT))) {

            assertThat(nowhere.charge(IdempotencyKey.charge(SagaId.random()), ALICE, 100))
                    .isInstanceOf(ProviderOutcome.Unknown.class);
            assertThat(nowhere.status(IdempotencyKey.charge(SagaId.random())))
                    .isInstanceOf(ProviderOutcome.Unknown.class);
        }
    }
}
