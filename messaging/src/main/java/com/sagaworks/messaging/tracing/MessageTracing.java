package com.sagaworks.messaging.tracing;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Carries the trace context through the outbox and Kafka: the outbox stores the W3C {@code traceparent} (and
 * {@code tracestate}) of the span current when a message is written, the relay publishes them as Kafka headers
 * like every stored header, and the consumer continues that trace while the handler runs. So one order's trace
 * spans HTTP, every service's handler and the replies, although the relay sends long after the writing
 * transaction ended.
 *
 * <p>{@link #none()} when the service has no tracer: nothing is written and handlers run as they are.
 */
public interface MessageTracing {

    /** The W3C header names, as the OpenTelemetry propagator writes them. */
    String TRACEPARENT = "traceparent";
    String TRACESTATE = "tracestate";

    /** The propagation headers of the current span; empty when there is none (or no tracer). */
    Map<String, String> currentContext();

    /**
     * Runs {@code work} in a consumer span that continues the trace named by {@code headers} (a new trace when they
     * carry none), with that span current so the handler's own writes to the outbox carry it on.
     */
    <T> T continueTrace(Map<String, String> headers, String spanName, Supplier<T> work);

    static MessageTracing none() {
        return NoMessageTracing.INSTANCE;
    }
}
