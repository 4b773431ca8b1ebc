package com.sagaworks.payment.provider;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Binds {@code sagaworks.payments}; the HTTP adapter when it is the chosen one (the ledger one is in account). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PaymentsProperties.class)
class ProviderConfiguration {

    @Bean
    @ConditionalOnHttpProvider
    HttpPaymentProvider httpPaymentProvider(PaymentsProperties properties) {
        return new HttpPaymentProvider(properties.http());
    }
}
