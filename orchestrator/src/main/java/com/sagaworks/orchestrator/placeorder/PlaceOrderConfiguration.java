package com.sagaworks.orchestrator.placeorder;

import com.sagaworks.orchestrator.OrchestratorProperties;
import com.sagaworks.orchestrator.engine.SagaDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PlaceOrderConfiguration {

    @Bean
    SagaDefinition<PlaceOrderData> placeOrderSaga(OrchestratorProperties properties) {
        return PlaceOrderSaga.definition(properties.stepTimeout());
    }
}
