package com.sagaworks.contracts.payment;

import com.sagaworks.contracts.SagaId;

/** Nothing was charged. */
public record PaymentDeclined(SagaId sagaId, Reason reason) implements PaymentReply {

    public enum Reason {
        /** The balance does not cover the amount. */
        INSUFFICIENT_FUNDS,
        /** payment-service has no account for the customer. */
        UNKNOWN_ACCOUNT,
        /** The saga was already refunded (the compensation overtook this charge). */
        ALREADY_REFUNDED
    }
}
