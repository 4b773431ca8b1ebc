package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.payment.provider.IdempotencyKey;
import com.sagaworks.payment.provider.PaymentProvider;
import com.sagaworks.payment.provider.ProviderOutcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What one round sends to the provider, for every kind of attempt and every answer to the status question. */
class ProviderRoundTest {

    private static final ProviderOutcome SUCCEEDED = new ProviderOutcome.Succeeded();
    private static final ProviderOutcome NOT_FOUND = new ProviderOutcome.NotFound();
    private static final ProviderOutcome UNKNOWN = new ProviderOutcome.Unknown("HTTP 503");
    private static final ProviderOutcome DECLINED = new ProviderOutcome.Declined(
            PaymentDeclined.Reason.INSUFFICIENT_FUNDS, "insufficient_funds");

    private final UUID saga = UUID.randomUUID();

    @Test
    void aFirstChargeRoundSendsTheChargeWithoutAsking() {
        RecordingProvider provider = new RecordingProvider(NOT_FOUND, SUCCEEDED);

        ProviderOutcome outcome = new ProviderRound(provider).call(claimed(LedgerEntryKind.CHARGE, 1, false));

        assertThat(outcome).isEqualTo(SUCCEEDED);
        assertThat(provider.calls).containsExactly("charge " + saga + ":charge alice 2500");
    }

    @Test
    void aLaterChargeRoundTakesTheOutcomeTheProviderAlreadyHasAndSendsNothing() {
        for (ProviderOutcome known : List.of(SUCCEEDED, DECLINED, UNKNOWN)) {
            RecordingProvider provider = new RecordingProvider(known, SUCCEEDED);

            ProviderOutcome outcome = new ProviderRound(provider).call(claimed(LedgerEntryKind.CHARGE, 2, false));

            assertThat(outcome).isEqualTo(known);
            assertThat(provider.calls).containsExactly("status " + saga + ":charge");
        }
    }

    @Test
    void aLaterChargeRoundSendsTheChargeAgainOnlyWhenTheProviderNeverSawIt() {
        RecordingProvider provider = new RecordingProvider(NOT_FOUND, SUCCEEDED);

        ProviderOutcome outcome = new ProviderRound(provider).call(claimed(LedgerEntryKind.CHARGE, 3, false));

        assertThat(outcome).isEqualTo(SUCCEEDED);
        assertThat(provider.calls).containsExactly("status " + saga + ":charge", "charge " + saga + ":charge alice 2500");
    }

    @Test
    void aChargeOvertakenByItsRefundIsOnlyAskedAboutAndDeclinedIfNeverSeen() {
        RecordingProvider provider = new RecordingProvider(NOT_FOUND, SUCCEEDED);

        ProviderOutcome outcome = new ProviderRound(provider).call(claimed(LedgerEntryKind.CHARGE, 2, true));

        assertThat(outcome).isEqualTo(new ProviderOutcome.Declined(PaymentDeclined.Reason.ALREADY_REFUNDED,
                "refunded before the provider saw the charge"));
        assertThat(provider.calls).containsExactly("status " + saga + ":charge");
    }

    @Test
    void aChargeOvertakenByItsRefundTakesWhatTheProviderDid() {
        RecordingProvider provider = new RecordingProvider(SUCCEEDED, SUCCEEDED);

        assertThat(new ProviderRound(provider).call(claimed(LedgerEntryKind.CHARGE, 2, true))).isEqualTo(SUCCEEDED);
        assertThat(provider.calls).containsExactly("status " + saga + ":charge");
    }

    @Test
    void aFirstRefundRoundSendsTheRefund() {
        RecordingProvider provider = new RecordingProvider(NOT_FOUND, SUCCEEDED);

        assertThat(new ProviderRound(provider).call(claimed(LedgerEntryKind.REFUND, 1, true))).isEqualTo(SUCCEEDED);
        assertThat(provider.calls).containsExactly("refund " + saga + ":refund alice 2500");
    }

    @Test
    void aLaterRefundRoundAsksFirstAndSendsOnlyWhenTheProviderNeverSawIt() {
        RecordingProvider seen = new RecordingProvider(SUCCEEDED, SUCCEEDED);
        RecordingProvider unseen = new RecordingProvider(NOT_FOUND, SUCCEEDED);

        assertThat(new ProviderRound(seen).call(claimed(LedgerEntryKind.REFUND, 2, true))).isEqualTo(SUCCEEDED);
        assertThat(new ProviderRound(unseen).call(claimed(LedgerEntryKind.REFUND, 2, true))).isEqualTo(SUCCEEDED);

        assertThat(seen.calls).containsExactly("status " + saga + ":refund");
        assertThat(unseen.calls).containsExactly("status " + saga + ":refund", "refund " + saga + ":refund alice 2500");
    }

    @Test
    void notFoundIsNoAnswerToAChargeOrARefund() {
        RecordingProvider provider = new RecordingProvider(NOT_FOUND, NOT_FOUND);

        assertThat(new ProviderRound(provider).call(claimed(LedgerEntryKind.CHARGE, 1, false)))
                .isInstanceOf(ProviderOutcome.Unknown.class);
    }

    private ProviderAttempts.Claimed claimed(LedgerEntryKind kind, int attempts, boolean refundWaiting) {
        ProviderAttempt attempt = new ProviderAttempt(saga, kind, ProviderAttempt.keyOf(saga, kind).value(),
                UUID.randomUUID(), "alice", 2_500, ProviderAttemptStatus.PENDING, null, null, attempts, null,
                Instant.now(), Instant.now(), Instant.now());
        return new ProviderAttempts.Claimed(attempt, refundWaiting);
    }

    /** Answers status questions with one outcome and charges and refunds with another, and records the calls. */
    private static final class RecordingProvider implements PaymentProvider {

        final List<String> calls = new ArrayList<>();
        private final ProviderOutcome status;
        private final ProviderOutcome operation;

        RecordingProvider(ProviderOutcome status, ProviderOutcome operation) {
            this.status = status;
            this.operation = operation;
        }

        @Override
        public ProviderOutcome charge(IdempotencyKey key, CustomerId customer, long amountCents) {
            calls.add("charge " + key + " " + customer + " " + amountCents);
            return operation;
        }

        @Override
        public ProviderOutcome refund(IdempotencyKey key, CustomerId customer, long amountCents) {
            calls.add("refund " + key + " " + customer + " " + amountCents);
            return operation;
        }

        @Override
        public ProviderOutcome status(IdempotencyKey key) {
            calls.add("status " + key);
            return status;
        }
    }
}
