package com.sagaworks.contracts.payment;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;

/** Charge the customer's account once for this saga; answered by {@link PaymentCharged} or {@link PaymentDeclined}. */
public record ChargePayment(SagaId sagaId, OrderId orderId, CustomerId customerId, long amountCents)
        implements PaymentCommand {

    public ChargePayment {
        if (amountCents < 0) {
            throw new IllegalArgumentException("amount must not be negative: " + amountCents);
        }
    }
}
