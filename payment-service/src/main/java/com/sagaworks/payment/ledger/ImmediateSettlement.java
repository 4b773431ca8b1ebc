package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.contracts.payment.PaymentRefunded;
import com.sagaworks.contracts.payment.RefundPayment;
import com.sagaworks.payment.provider.ConditionalOnLedgerProvider;
import com.sagaworks.payment.provider.IdempotencyKey;
import com.sagaworks.payment.provider.PaymentProvider;
import com.sagaworks.payment.provider.ProviderOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.UUID;

/**
 * Settles with the in-database provider inside the consumer transaction: the account, the ledger row and the
 * reply commit together, and the command is answered at once.
 */
@Component
@ConditionalOnLedgerProvider
class ImmediateSettlement implements Settlement {

    private static final Logger log = LoggerFactory.getLogger(ImmediateSettlement.class);

    private final PaymentProvider provider;
    private final PaymentLedger ledger;

    ImmediateSettlement(PaymentProvider provider, PaymentLedger ledger) {
        this.provider = provider;
        this.ledger = ledger;
    }

    @Override
    public Object charge(UUID commandId, ChargePayment command) {
        UUID sagaId = command.sagaId().value();
        ProviderOutcome outcome = provider.charge(IdempotencyKey.charge(command.sagaId()), command.customerId(),
                command.amountCents());
        return switch (outcome) {
            case ProviderOutcome.Succeeded succeeded -> {
                ledger.append(sagaId, command.orderId().value(), command.customerId().value(),
                        LedgerEntryKind.CHARGE, command.amountCents());
                yield new PaymentCharged(command.sagaId(), command.amountCents());
            }
            case ProviderOutcome.Declined declined -> {
                log.info("Declined saga {} (order {}): {}", sagaId, command.orderId(), declined.detail());
                yield new PaymentDeclined(command.sagaId(), declined.reason());
            }
            case ProviderOutcome.NotFound notFound -> throw undecided(sagaId, outcome);
            case ProviderOutcome.Unknown unknown -> throw undecided(sagaId, outcome);
        };
    }

    @Override
    public Object refund(UUID commandId, RefundPayment command, Optional<LedgerEntry> charge) {
        UUID sagaId = command.sagaId().value();
        if (charge.isEmpty()) {
            ledger.appendRefundTombstone(sagaId, command.orderId().value(), command.customerId().value());
            log.info("RefundPayment for saga {} (order {}) came before any charge: left a tombstone",
                    sagaId, command.orderId());
            return new PaymentRefunded(command.sagaId(), 0);
        }
        LedgerEntry paid = charge.get();
        // the charge's account, not the command's: money goes back where it came from
        ProviderOutcome outcome = provider.refund(IdempotencyKey.refund(command.sagaId()),
                CustomerId.of(paid.customerId()), paid.amountCents());
        if (!(outcome instanceof ProviderOutcome.Succeeded)) {
            throw undecided(sagaId, outcome);
        }
        ledger.append(sagaId, paid.orderId(), paid.customerId(), LedgerEntryKind.REFUND, paid.amountCents());
        return new PaymentRefunded(command.sagaId(), paid.amountCents());
    }

    /** The in-database provider decides in the transaction; anything else is a bug, rolled back and dead-lettered. */
    private static IllegalStateException undecided(UUID sagaId, ProviderOutcome outcome) {
        return new IllegalStateException("the in-database provider did not decide for saga " + sagaId + ": " + outcome);
    }
}
