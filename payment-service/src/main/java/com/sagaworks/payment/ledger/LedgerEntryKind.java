package com.sagaworks.payment.ledger;

/** What a ledger row records; a saga has at most one row of each kind. */
public enum LedgerEntryKind {

    /** Money taken from the customer's account for the saga. */
    CHARGE,
    /** The saga's charge given back; amount 0 when nothing had been charged (a tombstone refusing a late charge). */
    REFUND
}
