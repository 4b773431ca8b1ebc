package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.RefundPayment;

import java.util.Optional;
import java.util.UUID;

/**
 * How money moves once the ledger has said it may: {@link ImmediateSettlement} with the in-database provider,
 * {@link DeferredSettlement} with the external one. Called by {@link Payments} inside the consumer transaction,
 * with the saga locked. Each returns the reply to send, or {@code DeferredReply.LATER} when the answer comes
 * from a later transaction.
 */
interface Settlement {

    /** The ledger has neither a charge nor a refund for the saga. */
    Object charge(UUID commandId, ChargePayment command);

    /**
     * The ledger has no refund for the saga; {@code charge} is its charge, if any. Without a charge the refund
     * must still leave a tombstone (a zero REFUND) so that a late charge is declined, unless a charge may be
     * under way, in which case it waits for its outcome.
     */
    Object refund(UUID commandId, RefundPayment command, Optional<LedgerEntry> charge);
}
