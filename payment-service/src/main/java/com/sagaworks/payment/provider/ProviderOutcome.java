package com.sagaworks.payment.provider;

import com.sagaworks.contracts.payment.PaymentDeclined;

import java.util.Objects;

/** What a {@link PaymentProvider} answered. */
public sealed interface ProviderOutcome {

    /** The money moved (or had moved already under the same key). */
    record Succeeded() implements ProviderOutcome {
    }

    /**
     * The provider refused, for good: nothing moved.
     *
     * @param reason the reason the saga is told
     * @param detail what the provider said, for the attempt row and the log
     */
    record Declined(PaymentDeclined.Reason reason, String detail) implements ProviderOutcome {

        public Declined {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Only from {@link PaymentProvider#status}: the provider never received an operation under that key. */
    record NotFound() implements ProviderOutcome {
    }

    /**
     * No answer (timeout, connection refused, 5xx, an unreadable response): the money may or may not have
     * moved. Never final: the caller asks {@link PaymentProvider#status} later.
     *
     * @param error what went wrong, without payment data, for the attempt row and the log
     */
    record Unknown(String error) implements ProviderOutcome {

        public Unknown {
            Objects.requireNonNull(error, "error");
        }
    }
}
