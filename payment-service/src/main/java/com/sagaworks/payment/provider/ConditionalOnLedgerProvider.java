package com.sagaworks.payment.provider;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Only with {@code sagaworks.payments.provider=ledger}, the default: money moves in this service's database. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@ConditionalOnProperty(prefix = "sagaworks.payments", name = "provider", havingValue = "ledger", matchIfMissing = true)
public @interface ConditionalOnLedgerProvider {
}
