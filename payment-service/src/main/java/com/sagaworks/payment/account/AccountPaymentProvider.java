package com.sagaworks.payment.account;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.payment.provider.ConditionalOnLedgerProvider;
import com.sagaworks.payment.provider.IdempotencyKey;
import com.sagaworks.payment.provider.PaymentProvider;
import com.sagaworks.payment.provider.ProviderOutcome;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The in-database provider ({@code sagaworks.payments.provider=ledger}): the customer accounts of this service.
 * Joins the caller's transaction, which also writes the ledger row, so the money and its record commit together
 * and the ledger's {@code UNIQUE (saga_id, kind)} is what keeps a key from moving money twice. Always decides:
 * never {@link ProviderOutcome.Unknown}.
 */
@Component
@ConditionalOnLedgerProvider
class AccountPaymentProvider implements PaymentProvider {

    // The ledger row its caller writes in the same transaction is this provider's record of the operation.
    private static final String STATUS = """
            SELECT count(*)
            FROM payment_ledger
            WHERE saga_id = :sagaId AND kind = :kind
            """;

    private final AccountRepository accounts;
    private final JdbcClient jdbc;

    AccountPaymentProvider(AccountRepository accounts, JdbcClient jdbc) {
        this.accounts = accounts;
        this.jdbc = jdbc;
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public ProviderOutcome charge(IdempotencyKey key, CustomerId customer, long amountCents) {
        return switch (accounts.debit(customer.value(), amountCents)) {
            case DEBITED -> new ProviderOutcome.Succeeded();
            case INSUFFICIENT_FUNDS ->
                    new ProviderOutcome.Declined(PaymentDeclined.Reason.INSUFFICIENT_FUNDS, "insufficient funds");
            case NO_ACCOUNT ->
                    new ProviderOutcome.Declined(PaymentDeclined.Reason.UNKNOWN_ACCOUNT, "no account " + customer);
        };
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public ProviderOutcome refund(IdempotencyKey key, CustomerId customer, long amountCents) {
        accounts.credit(customer.value(), amountCents);
        return new ProviderOutcome.Succeeded();
    }

    @Override
    @Transactional(propagation = Propagation.MANDATORY)
    public ProviderOutcome status(IdempotencyKey key) {
        long rows = jdbc.sql(STATUS)
                .param("sagaId", key.sagaId().value())
                .param("kind", key.operation().name())
                .query(Long.class)
                .single();
        return rows == 0 ? new ProviderOutcome.NotFound() : new ProviderOutcome.Succeeded();
    }
}
