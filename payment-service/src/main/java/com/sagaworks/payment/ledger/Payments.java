package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.PaymentCharged;
import com.sagaworks.contracts.payment.PaymentDeclined;
import com.sagaworks.contracts.payment.PaymentRefunded;
import com.sagaworks.contracts.payment.RefundPayment;
import com.sagaworks.messaging.consumer.DeferredReply;
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
 * which also writes the inbox row and the returned reply), with the saga locked for the rest of it. The ledger
 * decides: a saga with a CHARGE is never charged again, a saga with a REFUND is never charged, and asking again
 * answers from what the ledger holds. When the ledger lets money move, the {@link Settlement} of the configured
 * provider moves it: at once, or later with the reply deferred.
 */
@Service
class Payments {

    private static final Logger log = LoggerFactory.getLogger(Payments.class);

    private final PaymentLedger ledger;
    private final Settlement settlement;

    Payments(PaymentLedger ledger, Settlement settlement) {
        this.ledger = ledger;
        this.settlement = settlement;
    }

    /**
     * Charges the customer once for the saga: {@link PaymentCharged}, {@link PaymentDeclined}, or
     * {@link DeferredReply#LATER} while the external provider decides.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Object charge(UUID commandId, ChargePayment command) {
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
        return settlement.charge(commandId, command);
    }

    /**
     * Gives the saga's charge back to the account that paid it, or, when nothing was charged, writes a zero
     * REFUND that declines a ChargePayment arriving late. Answered by {@link PaymentRefunded}, at once or (the
     * external provider deciding) {@link DeferredReply#LATER}.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Object refund(UUID commandId, RefundPayment command) {
        UUID sagaId = command.sagaId().value();
        ledger.lockSaga(sagaId);
        List<LedgerEntry> entries = ledger.entries(sagaId);
        Optional<LedgerEntry> refunded = find(entries, LedgerEntryKind.REFUND);
        if (refunded.isPresent()) {
            return new PaymentRefunded(command.sagaId(), refunded.get().amountCents());
        }
        return settlement.refund(commandId, command, find(entries, LedgerEntryKind.CHARGE));
    }

    private static Optional<LedgerEntry> find(List<LedgerEntry> entries, LedgerEntryKind kind) {
        return entries.stream().filter(e -> e.kind() == kind).findFirst();
    }
}
