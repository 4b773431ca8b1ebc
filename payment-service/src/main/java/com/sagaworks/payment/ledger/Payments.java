package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.contracts.payment.PaymentRefunded;
import com.sagaworks.contracts.payment.PaymentReply;
import com.sagaworks.contracts.payment.RefundPayment;
import com.sagaworks.payment.account.Account;
import com.sagaworks.payment.account.AccountRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Charges and refunds sagas. Each method is one step of a consumer transaction (the messaging library's,
 * which also writes the inbox row and the returned reply), so money and ledger move together or not at all.
 * The ledger decides: a saga with a CHARGE is never charged again, a saga with a REFUND is never charged,
 * and asking again answers from what the ledger holds.
 */
@Service
class Payments {

    private static final Logger log = LoggerFactory.getLogger(Payments.class);

    private final AccountRepository accounts;
    private final PaymentLedger ledger;

    Payments(AccountRepository accounts, PaymentLedger ledger) {
        this.accounts = accounts;
        this.ledger = ledger;
    }

    /** Charges the customer once for the saga: {@link PaymentCharged} or {@link PaymentDeclined}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public PaymentReply charge(ChargePayment command) {
        UUID sagaId = command.sagaId().value();
        ledger.lockSaga(sagaId);
        List<LedgerEntry> entries = ledger.entries(sagaId);
        if (find(entries, LedgerEntryKind.REFUND).isPresent()) {
            log.info("ChargePayment for saga {} (order {}) came after its refund: declined",
                    sagaId, command.orderId());
            return new PaymentDeclined(command.sagaId(), PaymentDeclined.Reason.ALREADY_REFUNDED);
        }
        Optional<LedgerEntry> charged = find(entries, LedgerEntryKind.CHARGE);
        if (charged.isPresent()) {
            if (charged.get().amountCents() != command.amountCents()) {
                log.warn("ChargePayment for saga {} asks {} cents, but {} were already charged; kept the charge",
                        sagaId, command.amountCents(), charged.get().amountCents());
            }
            return new PaymentCharged(command.sagaId(), charged.get().amountCents());
        }

        String customer = command.customerId().value();
        Optional<Account> account = accounts.lock(customer);
        if (account.isEmpty()) {
            log.info("Declined saga {} (order {}): no account {}", sagaId, command.orderId(), customer);
            return new PaymentDeclined(command.sagaId(), PaymentDeclined.Reason.UNKNOWN_ACCOUNT);
        }
        if (account.get().balanceCents() < command.amountCents()) {
            log.info("Declined saga {} (order {}): insufficient funds", sagaId, command.orderId());
            return new PaymentDeclined(command.sagaId(), PaymentDeclined.Reason.INSUFFICIENT_FUNDS);
        }
        if (!accounts.debit(customer, command.amountCents())) {
            // the row is locked and its balance was checked above; failing here means the lock did not hold
            throw new IllegalStateException("balance of " + customer + " changed under its row lock");
        }
        ledger.append(sagaId, command.orderId().value(), customer, LedgerEntryKind.CHARGE, command.amountCents());
        return new PaymentCharged(command.sagaId(), command.amountCents());
    }

    /**
     * Gives the saga's charge back to the account that paid it, or, when nothing was charged yet, writes a
     * zero REFUND that declines a ChargePayment arriving late. Answered by {@link PaymentRefunded}.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public PaymentRefunded refund(RefundPayment command) {
        UUID sagaId = command.sagaId().value();
        ledger.lockSaga(sagaId);
        List<LedgerEntry> entries = ledger.entries(sagaId);
        Optional<LedgerEntry> refunded = find(entries, LedgerEntryKind.REFUND);
        if (refunded.isPresent()) {
            return new PaymentRefunded(command.sagaId(), refunded.get().amountCents());
        }
        Optional<LedgerEntry> charged = find(entries, LedgerEntryKind.CHARGE);
        if (charged.isEmpty()) {
            ledger.append(sagaId, command.orderId().value(), command.customerId().value(), LedgerEntryKind.REFUND, 0);
            log.info("RefundPayment for saga {} (order {}) came before any charge: left a tombstone",
                    sagaId, command.orderId());
            return new PaymentRefunded(command.sagaId(), 0);
        }
        LedgerEntry charge = charged.get();
        // the charge's account, not the command's: money goes back where it came from
        accounts.credit(charge.customerId(), charge.amountCents());
        ledger.append(sagaId, charge.orderId(), charge.customerId(), LedgerEntryKind.REFUND, charge.amountCents());
        return new PaymentRefunded(command.sagaId(), charge.amountCents());
    }

    private static Optional<LedgerEntry> find(List<LedgerEntry> entries, LedgerEntryKind kind) {
        return entries.stream().filter(e -> e.kind() == kind).findFirst();
    }
}
