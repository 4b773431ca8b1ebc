package com.sagaworks.messaging.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * The tracer a service gets from Spring Boot with micrometer-tracing-bridge-otel (W3C propagation, everything
 * sampled), built by hand: the library itself has no Boot tracing auto-configuration on its classpath. Spans are
 * exported nowhere.
 */
public final class W3cTracing {

    public final Tracer tracer;
    public final Propagator propagator;

    public W3cTracing() {
        SdkTracerProvider provider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).build();
        io.opentelemetry.api.trace.Tracer otelTracer = provider.get("sagaworks-messaging-test");
        this.tracer = new OtelTracer(otelTracer, new OtelCurrentTraceContext(), event -> {
        });
        this.propagator = new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otelTracer);
    }

    /** The trace id of a W3C {@code traceparent} value ({@code 00-<trace id>-<span id>-<flags>}). */
    public static String traceIdOf(String traceparent) {
        return traceparent.split("-")[1];
    }

    public static String spanIdOf(String traceparent) {
        return traceparent.split("-")[2];
    }
}
