package com.sagaworks.contracts.payment;

import com.sagaworks.contracts.SagaId;

/** The saga holds no charge any more; {@code amountCents} is 0 when nothing had been charged. */
public record PaymentRefunded(SagaId sagaId, long amountCents) implements PaymentReply {
}
