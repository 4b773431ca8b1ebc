package com.sagaworks.contracts.payment;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;

/**
 * Compensation of {@link ChargePayment}: give back what this saga was charged. Valid when nothing was
 * charged (it then leaves a tombstone so a late charge is declined); answered by {@link PaymentRefunded}.
 */
public record RefundPayment(SagaId sagaId, OrderId orderId, CustomerId customerId) implements PaymentCommand {
}
