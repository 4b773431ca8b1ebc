package com.sagaworks.messaging.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link MessageTracing} on Micrometer Tracing: the service's {@link Propagator} (W3C trace context with the
 * OpenTelemetry bridge) writes and reads the headers, so the header format is the one the rest of the service's
 * tracing uses. Only this class touches Micrometer Tracing, which is an optional dependency of the library.
 */
public final class MicrometerMessageTracing implements MessageTracing {

    private final Tracer tracer;
    private final Propagator propagator;

    public MicrometerMessageTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    @Override
    public Map<String, String> currentContext() {
        Span span = tracer.currentSpan();
        if (span == null) {
            return Map.of();
        }
        TraceContext context = span.context();
        Map<String, String> headers = new LinkedHashMap<>();
        propagator.inject(context, headers, Map::put);
        return headers;
    }

    @Override
    public <T> T continueTrace(Map<String, String> headers, String spanName, Supplier<T> work) {
        Span span = propagator.extract(headers, Map::get)
                .name(spanName)
                .kind(Span.Kind.CONSUMER)
                .start();
        try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
            return work.get();
        } catch (RuntimeException | Error e) {
            // recorded on the span and rethrown: the caller decides what the failure means
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }
}
