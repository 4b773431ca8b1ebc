package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.contracts.payment.PaymentRefunded;
import com.sagaworks.contracts.payment.RefundPayment;
import com.sagaworks.messaging.consumer.DeferredReply;
import com.sagaworks.payment.provider.ConditionalOnHttpProvider;
import com.sagaworks.payment.provider.PaymentsProperties;
import com.sagaworks.payment.provider.ProviderOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Settles with the external provider, in two transactions with the call between them, outside both:
 * <ol>
 *   <li>the consumer transaction records the attempt (PENDING, due now) and the command waiting for it, and
 *       the handler answers {@code DeferredReply.LATER};</li>
 *   <li>{@link ProviderAttemptWorker} claims the attempt, commits, calls the provider with the attempt's
 *       idempotency key, and hands the outcome to {@link #record}, which in one short transaction writes the
 *       ledger row, decides the attempt and completes the waiting commands' replies.</li>
 * </ol>
 * Everything here runs with the saga's lock, so a charge, its refund and their outcomes never interleave.
 *
 * <p>A refund that overtakes its charge: if the charge was never sent it is declined on the spot (and never
 * sent) and the refund leaves its tombstone; if a call may have reached the provider, the refund waits for the
 * charge's outcome, the charge is only asked about from then on, and the refund gives back what it took.
 */
@Component
@ConditionalOnHttpProvider
class DeferredSettlement implements Settlement {

    private static final Logger log = LoggerFactory.getLogger(DeferredSettlement.class);

    private final ProviderAttempts attempts;
    private final PendingReplies replies;
    private final PaymentLedger ledger;
    private final AttemptWakeUps wakeUps;
    private final PaymentsProperties.Attempts settings;

    DeferredSettlement(ProviderAttempts attempts, PendingReplies replies, PaymentLedger ledger,
                       AttemptWakeUps wakeUps, PaymentsProperties properties) {
        this.attempts = attempts;
        this.replies = replies;
        this.ledger = ledger;
        this.wakeUps = wakeUps;
        this.settings = properties.attempts();
    }

    @Override
    public Object charge(UUID commandId, ChargePayment command) {
        UUID sagaId = command.sagaId().value();
        Optional<ProviderAttempt> existing = attempts.lock(sagaId, LedgerEntryKind.CHARGE);
        if (existing.isEmpty()) {
            attempts.insert(sagaId, LedgerEntryKind.CHARGE, command.orderId().value(), command.customerId().value(),
                    command.amountCents());
            replies.await(commandId, sagaId, LedgerEntryKind.CHARGE);
            wakeUps.wakeAfterCommit();
            return DeferredReply.LATER;
        }
        ProviderAttempt attempt = existing.get();
        return switch (attempt.status()) {
            case PENDING -> {
                if (attempt.amountCents() != command.amountCents()) {
                    log.warn("ChargePayment for saga {} asks {} cents, but the charge under way is for {}; kept it",
                            sagaId, command.amountCents(), attempt.amountCents());
                }
                replies.await(commandId, sagaId, LedgerEntryKind.CHARGE);
                yield DeferredReply.LATER;
            }
            case DECLINED -> new PaymentDeclined(command.sagaId(), attempt.declineReason());
            // its ledger row is written in the same transaction, and the caller found none
            case SUCCEEDED -> throw new IllegalStateException(
                    "the charge attempt of saga " + sagaId + " succeeded but the ledger has no CHARGE");
        };
    }

    @Override
    public Object refund(UUID commandId, RefundPayment command, Optional<LedgerEntry> charge) {
        UUID sagaId = command.sagaId().value();
        if (attempts.lock(sagaId, LedgerEntryKind.REFUND).isPresent()) {
            // PENDING: a decided refund attempt has written the REFUND the caller found missing
            replies.await(commandId, sagaId, LedgerEntryKind.REFUND);
            return DeferredReply.LATER;
        }
        if (charge.isPresent()) {
            LedgerEntry paid = charge.get();
            // the charge's account, not the command's: money goes back where it came from
            attempts.insert(sagaId, LedgerEntryKind.REFUND, paid.orderId(), paid.customerId(), paid.amountCents());
            replies.await(commandId, sagaId, LedgerEntryKind.REFUND);
            wakeUps.wakeAfterCommit();
            return DeferredReply.LATER;
        }
        Optional<ProviderAttempt> chargeAttempt = attempts.lock(sagaId, LedgerEntryKind.CHARGE);
        if (chargeAttempt.isPresent() && chargeAttempt.get().status() == ProviderAttemptStatus.PENDING) {
            ProviderAttempt pending = chargeAttempt.get();
            if (pending.attempts() > 0) {
                // A call may have reached the provider: only its outcome tells whether there is money to give
                // back. The worker now only asks about that charge, never sends it again.
                replies.await(commandId, sagaId, LedgerEntryKind.REFUND);
                log.info("RefundPayment for saga {} (order {}) waits for the outcome of its charge at the provider",
                        sagaId, command.orderId());
                return DeferredReply.LATER;
            }
            // Never claimed, so never sent; the row lock keeps a worker from claiming it now. It never will be.
            if (!attempts.markDeclined(pending, PaymentDeclined.Reason.ALREADY_REFUNDED,
                    "refunded before it was sent")) {
                throw new IllegalStateException("the locked, unsent charge attempt of saga " + sagaId + " changed");
            }
            replies.answer(sagaId, LedgerEntryKind.CHARGE,
                    new PaymentDeclined(command.sagaId(), PaymentDeclined.Reason.ALREADY_REFUNDED));
            log.info("ChargePayment for saga {} (order {}) was not sent yet when its refund came: declined",
                    sagaId, command.orderId());
        }
        ledger.appendRefundTombstone(sagaId, command.orderId().value(), command.customerId().value());
        log.info("RefundPayment for saga {} (order {}) came before any charge: left a tombstone",
                sagaId, command.orderId());
        return new PaymentRefunded(command.sagaId(), 0);
    }

    /**
     * Records what the provider answered for a claimed attempt, in the caller's (new, short) transaction. An
     * outcome of a claim that was taken over meanwhile changes nothing: the newer claim records its own.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void record(ProviderAttempt claimed, ProviderOutcome outcome) {
        ledger.lockSaga(claimed.sagaId());
        switch (outcome) {
            case ProviderOutcome.Succeeded succeeded -> succeeded(claimed);
            case ProviderOutcome.Declined declined -> declined(claimed, declined);
            case ProviderOutcome.Unknown unknown -> undecided(claimed, unknown.error());
            case ProviderOutcome.NotFound notFound -> undecided(claimed, "the provider has no record of it");
        }
    }

    private void succeeded(ProviderAttempt attempt) {
        if (!attempts.markSucceeded(attempt)) {
            superseded(attempt);
            return;
        }
        UUID sagaId = attempt.sagaId();
        SagaId saga = SagaId.of(sagaId);
        ledger.append(sagaId, attempt.orderId(), attempt.customerId(), attempt.kind(), attempt.amountCents());
        switch (attempt.kind()) {
            case CHARGE -> {
                replies.answer(sagaId, LedgerEntryKind.CHARGE, new PaymentCharged(saga, attempt.amountCents()));
                if (replies.anyAwaiting(sagaId, LedgerEntryKind.REFUND)) {
                    // the refund that overtook this charge can give the money back now
                    attempts.insert(sagaId, LedgerEntryKind.REFUND, attempt.orderId(), attempt.customerId(),
                            attempt.amountCents());
                    wakeUps.wakeAfterCommit();
                    log.info("saga {} (order {}): the charge its refund waited for succeeded; refunding it",
                            sagaId, attempt.orderId());
                }
            }
            case REFUND -> replies.answer(sagaId, LedgerEntryKind.REFUND,
                    new PaymentRefunded(saga, attempt.amountCents()));
        }
    }

    private void declined(ProviderAttempt attempt, ProviderOutcome.Declined declined) {
        UUID sagaId = attempt.sagaId();
        if (attempt.kind() == LedgerEntryKind.REFUND) {
            // no reply says a refund failed: it stays visible for support, and the saga's deadline fails it
            park(attempt, "the provider declined the refund: " + declined.detail());
            return;
        }
        if (!attempts.markDeclined(attempt, declined.reason(), declined.detail())) {
            superseded(attempt);
            return;
        }
        log.info("Declined saga {} (order {}) at the provider: {}", sagaId, attempt.orderId(), declined.detail());
        replies.answer(sagaId, LedgerEntryKind.CHARGE, new PaymentDeclined(SagaId.of(sagaId), declined.reason()));
        if (replies.anyAwaiting(sagaId, LedgerEntryKind.REFUND)) {
            // the refund that overtook this charge has nothing to give back; its tombstone refuses later charges
            ledger.appendRefundTombstone(sagaId, attempt.orderId(), attempt.customerId());
            replies.answer(sagaId, LedgerEntryKind.REFUND, new PaymentRefunded(SagaId.of(sagaId), 0));
        }
    }

    private void undecided(ProviderAttempt attempt, String error) {
        if (attempt.kind() == LedgerEntryKind.REFUND && attempt.attempts() >= settings.refundMaxAttempts()) {
            park(attempt, error);
            return;
        }
        // A charge is not bounded here: the orchestrator's deadline sends a RefundPayment, and from then on the
        // charge is only asked about, so its retries end when the provider answers.
        Duration backoff = backoff(attempt.attempts());
        if (!attempts.retryLater(attempt, error, backoff)) {
            superseded(attempt);
            return;
        }
        log.warn("saga {} (order {}): {} at the provider undecided after round {} ({}); next round in {} ms",
                attempt.sagaId(), attempt.orderId(), attempt.kind(), attempt.attempts(), error, backoff.toMillis());
    }

    private void park(ProviderAttempt attempt, String error) {
        if (!attempts.park(attempt, error)) {
            superseded(attempt);
            return;
        }
        log.error("saga {} (order {}): {} parked after {} provider rounds, last: {}. It stays PENDING in "
                        + "provider_attempt and its RefundPayment unanswered; the orchestrator's deadline marks the saga "
                        + "FAILED. Re-arm with UPDATE provider_attempt SET next_try_at = now() WHERE saga_id = '{}' "
                        + "AND kind = '{}'", attempt.sagaId(), attempt.orderId(), attempt.kind(), attempt.attempts(),
                error, attempt.sagaId(), attempt.kind());
    }

    private static void superseded(ProviderAttempt attempt) {
        log.info("saga {}: outcome of {} round {} not recorded; the attempt was claimed again or decided meanwhile",
                attempt.sagaId(), attempt.kind(), attempt.attempts());
    }

    /** initial × 2^(round - 1), at most the maximum, ±20 % so that attempts failed together spread out. */
    private Duration backoff(int round) {
        long initial = settings.initialBackoff().toMillis();
        long max = settings.maxBackoff().toMillis();
        long exponential = round >= 31 ? max : Math.min(max, initial << Math.max(0, round - 1));
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, Math.round(Math.min(max, exponential) * jitter)));
    }
}
