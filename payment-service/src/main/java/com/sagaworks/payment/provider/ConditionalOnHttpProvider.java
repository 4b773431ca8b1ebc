package com.sagaworks.payment.provider;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Only with {@code sagaworks.payments.provider=http}: money moves at an external provider. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@ConditionalOnProperty(prefix = "sagaworks.payments", name = "provider", havingValue = "http")
public @interface ConditionalOnHttpProvider {
}
