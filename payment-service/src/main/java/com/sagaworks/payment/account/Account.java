package com.sagaworks.payment.account;

/** A customer's account and what it can still pay. */
public record Account(String customerId, long balanceCents) {
}
