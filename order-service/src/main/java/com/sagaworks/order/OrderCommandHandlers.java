package com.sagaworks.order;

import com.sagaworks.contracts.order.ApproveOrder;
import com.sagaworks.contracts.order.CancelOrder;
import com.sagaworks.messaging.consumer.MessageHandlers;
import com.sagaworks.order.approval.OrderApproval;
import com.sagaworks.order.cancellation.OrderCancellation;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What order-service consumes: the orchestrator's commands on {@code order.commands}. */
@Configuration(proxyBeanMethods = false)
class OrderCommandHandlers {

    @Bean
    MessageHandlers orderMessageHandlers(OrderApproval approval, OrderCancellation cancellation) {
        return MessageHandlers.builder()
                .onCommand(ApproveOrder.class, command -> approval.approve(command.payload()))
                .onCommand(CancelOrder.class, command -> cancellation.cancel(command.payload()))
                .build();
    }
}
