package com.sagaworks.inventory.reservation;

import com.sagaworks.contracts.inventory.ReleaseStock;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.messaging.consumer.MessageHandlers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The commands inventory-service answers. The messaging library consumes them in batches, one transaction
 * per batch with a savepoint per command, and sends the returned reply through the outbox.
 */
@Configuration(proxyBeanMethods = false)
class ReservationMessaging {

    @Bean
    MessageHandlers inventoryMessageHandlers(StockReservations reservations) {
        return MessageHandlers.builder()
                .onCommand(ReserveStock.class, command -> reservations.reserve(command.payload()))
                .onCommand(ReleaseStock.class, command -> reservations.release(command.payload()))
                .build();
    }
}
