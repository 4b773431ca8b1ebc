package com.sagaworks.messaging.config;

import com.sagaworks.messaging.tracing.MessageTracing;
import com.sagaworks.messaging.tracing.MicrometerMessageTracing;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link MessageTracing} of the outbox and the consumer: Micrometer Tracing when the service has a
 * {@link Tracer} and a {@link Propagator} bean (actuator with a tracing bridge), none otherwise. Micrometer Tracing
 * is optional on the classpath, so its types are touched only inside the class-conditional configuration.
 */
@Configuration(proxyBeanMethods = false)
class MessageTracingConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({Tracer.class, Propagator.class})
    static class WithMicrometerTracing {

        @Bean
        @ConditionalOnMissingBean
        MessageTracing messageTracing(ObjectProvider<Tracer> tracers, ObjectProvider<Propagator> propagators) {
            Tracer tracer = tracers.getIfUnique();
            Propagator propagator = propagators.getIfUnique();
            // a no-op tracer makes no spans: nothing to carry then
            if (tracer == null || propagator == null || tracer == Tracer.NOOP) {
                return MessageTracing.none();
            }
            return new MicrometerMessageTracing(tracer, propagator);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    MessageTracing noMessageTracing() {
        return MessageTracing.none();
    }
}
