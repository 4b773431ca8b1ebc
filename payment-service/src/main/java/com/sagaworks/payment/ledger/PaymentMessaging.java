package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.contracts.payment.RefundPayment;
import com.sagaworks.messaging.consumer.MessageHandlers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The commands payment-service answers. The messaging library consumes them in batches, one transaction
 * per batch with a savepoint per command, and sends the returned reply through the outbox; with the external
 * provider most replies are deferred and sent by {@link DeferredSettlement} once the provider has answered.
 */
@Configuration(proxyBeanMethods = false)
class PaymentMessaging {

    @Bean
    MessageHandlers paymentMessageHandlers(Payments payments) {
        return MessageHandlers.builder()
                .onCommand(ChargePayment.class, command -> payments.charge(command.messageId(), command.payload()))
                .onCommand(RefundPayment.class, command -> payments.refund(command.messageId(), command.payload()))
                .build();
    }
}
