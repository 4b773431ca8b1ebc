package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.payment.provider.IdempotencyKey;
import com.sagaworks.payment.provider.PaymentProvider;
import com.sagaworks.payment.provider.ProviderOutcome;

/**
 * The provider calls of one round for a claimed attempt, outside any transaction. What is sent depends on
 * what may already have happened:
 * <ul>
 *   <li>an attempt's first round sends the charge or refund;</li>
 *   <li>any later round may follow a call that reached the provider, so it asks the key's status first and
 *       sends the operation again only if the provider never saw it (the same key: the provider would
 *       deduplicate it anyway);</li>
 *   <li>a charge whose saga's refund is waiting is only asked about: if the provider never saw it, it is
 *       declined here and never sent.</li>
 * </ul>
 */
final class ProviderRound {

    private final PaymentProvider provider;

    ProviderRound(PaymentProvider provider) {
        this.provider = provider;
    }

    ProviderOutcome call(ProviderAttempts.Claimed claimed) {
        ProviderAttempt attempt = claimed.attempt();
        IdempotencyKey key = attempt.key();
        // attempts counts this round: above 1, an earlier round may have reached the provider
        boolean mayHaveReachedProvider = attempt.attempts() > 1;
        boolean chargeOvertaken = attempt.kind() == LedgerEntryKind.CHARGE && claimed.refundWaiting();
        if (mayHaveReachedProvider || chargeOvertaken) {
            ProviderOutcome known = provider.status(key);
            if (!(known instanceof ProviderOutcome.NotFound)) {
                return known;
            }
            if (chargeOvertaken) {
                // the saga is being compensated and the provider never took this charge: it never will
                return new ProviderOutcome.Declined(PaymentDeclined.Reason.ALREADY_REFUNDED,
                        "refunded before the provider saw the charge");
            }
        }
        CustomerId customer = CustomerId.of(attempt.customerId());
        ProviderOutcome outcome = switch (attempt.kind()) {
            case CHARGE -> provider.charge(key, customer, attempt.amountCents());
            case REFUND -> provider.refund(key, customer, attempt.amountCents());
        };
        // only a status question may be answered "not found"
        return outcome instanceof ProviderOutcome.NotFound
                ? new ProviderOutcome.Unknown("the provider answered a " + attempt.kind() + " with not found")
                : outcome;
    }
}
