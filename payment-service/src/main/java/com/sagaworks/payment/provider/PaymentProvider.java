package com.sagaworks.payment.provider;

import com.sagaworks.contracts.CustomerId;

/**
 * Where a saga's money moves: charged once under its charge key, given back once under its refund key. A
 * provider deduplicates on the key, so asking twice (after a timeout, say) never moves money twice.
 *
 * <p>Two adapters, chosen by {@code sagaworks.payments.provider}:
 * <ul>
 *   <li>{@code ledger} (the default): the in-database accounts. Joins the caller's transaction, so the debit and
 *       the ledger row commit together; never answers {@link ProviderOutcome.Unknown}.</li>
 *   <li>{@code http}: an external provider over HTTP. Must be called outside any transaction (a slow provider
 *       would otherwise hold locks and connections); may answer {@link ProviderOutcome.Unknown}, and the caller
 *       then asks {@link #status} before trying again.</li>
 * </ul>
 */
public interface PaymentProvider {

    /** Takes {@code amountCents} from the customer, once per key. */
    ProviderOutcome charge(IdempotencyKey key, CustomerId customer, long amountCents);

    /**
     * Gives back {@code amountCents} of the saga's charge (the one under {@link IdempotencyKey#chargeKey()}) to the
     * customer who paid it, once per key.
     */
    ProviderOutcome refund(IdempotencyKey key, CustomerId customer, long amountCents);

    /**
     * What became of the operation under {@code key}: {@link ProviderOutcome.NotFound} when the provider never
     * received it, {@link ProviderOutcome.Unknown} when the provider cannot be asked right now.
     */
    ProviderOutcome status(IdempotencyKey key);
}
