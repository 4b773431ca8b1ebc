package com.sagaworks.payment.ledger;

/**
 * Where an attempt at the external provider stands ({@code provider_attempt.status}). Only
 * {@code PENDING -> SUCCEEDED} and {@code PENDING -> DECLINED} happen, once, as guarded updates; the database
 * refuses any change to a decided attempt.
 */
public enum ProviderAttemptStatus {

    /** Not decided yet: not called, being called, waiting to be called again, or parked for support. */
    PENDING,
    /** The provider moved the money; the ledger row was written in the same transaction. */
    SUCCEEDED,
    /** Nothing moved, for good: the provider refused the charge, or a refund came before it was ever sent. */
    DECLINED
}
