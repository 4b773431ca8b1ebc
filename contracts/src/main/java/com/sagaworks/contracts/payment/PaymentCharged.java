package com.sagaworks.contracts.payment;

import com.sagaworks.contracts.SagaId;

/** The account was charged {@code amountCents} for this saga (exactly once). */
public record PaymentCharged(SagaId sagaId, long amountCents) implements PaymentReply {
}
