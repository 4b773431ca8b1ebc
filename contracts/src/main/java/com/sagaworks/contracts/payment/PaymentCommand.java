package com.sagaworks.contracts.payment;

import com.sagaworks.contracts.SagaMessage;

/** Commands payment-service accepts on {@link com.sagaworks.contracts.Topics#PAYMENT_COMMANDS}. */
public sealed interface PaymentCommand extends SagaMessage permits ChargePayment, RefundPayment {
}
