package com.sagaworks.messaging;

import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockReleased;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.messaging.consumer.MessageHandlers;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A minimal service on the messaging library: it handles {@link ReserveStock} commands, consumes
 * {@link StockReserved} events (including its own replies, which makes a full loop through the relay), ignores
 * {@link StockReleased}, has no handler for the other types of its topics, and takes the dead letters of
 * inventory.commands (its own poison commands among them).
 */
@SpringBootApplication
public class MessagingTestApplication {

    @Bean
    MessageHandlers messageHandlers(TestHandlers handlers) {
        return MessageHandlers.builder()
                .beforeEachBatch(handlers::prepare)
                .onCommand(ReserveStock.class, handlers::reserve)
                .on(StockReserved.class, handlers::stockReserved)
                .ignore(StockReleased.class)
                .onDeadLetter(handlers::deadLetter, Topics.INVENTORY_COMMANDS)
                .build();
    }
}
