package com.sagaworks.contracts.payment;

import com.sagaworks.contracts.SagaMessage;

/** Replies payment-service sends on {@link com.sagaworks.contracts.Topics#PAYMENT_REPLIES}. */
public sealed interface PaymentReply extends SagaMessage permits PaymentCharged, PaymentDeclined, PaymentRefunded {
}
