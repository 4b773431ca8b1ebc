package com.sagaworks.messaging.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class MicrometerMessageTracingTest {

    private final W3cTracing w3c = new W3cTracing();
    private final Tracer tracer = w3c.tracer;
    private final MessageTracing tracing = new MicrometerMessageTracing(tracer, w3c.propagator);

    @Test
    void writesNoHeadersOutsideASpan() {
        assertThat(tracing.currentContext()).isEmpty();
    }

    @Test
    void writesTheW3cTraceparentOfTheCurrentSpan() {
        Span span = tracer.nextSpan().name("place order").start();
        try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
            String traceparent = tracing.currentContext().get(MessageTracing.TRACEPARENT);
            assertThat(traceparent).startsWith("00-" + span.context().traceId() + "-" + span.context().spanId() + "-");
            int flags = Integer.parseInt(traceparent.substring(traceparent.lastIndexOf('-') + 1), 16);
            assertThat(flags & 1).as("sampled flag").isEqualTo(1);
        } finally {
            span.end();
        }
    }

    @Test
    void handlerRunsInAChildSpanOfTheWritersTrace() {
        Span writer = tracer.nextSpan().name("place order").start();
        Map<String, String> headers;
        try (Tracer.SpanInScope ignored = tracer.withSpan(writer)) {
            headers = tracing.currentContext();
        } finally {
            writer.end();
        }

        Span handler = tracing.continueTrace(headers, "consume inventory.commands", tracer::currentSpan);

        assertThat(handler.context().traceId()).isEqualTo(writer.context().traceId());
        assertThat(handler.context().parentId()).isEqualTo(writer.context().spanId());
        assertThat(tracer.currentSpan()).as("the scope is closed after the handler").isNull();
    }

    @Test
    void startsANewTraceForAMessageWithoutContext() {
        Span handler = tracing.continueTrace(Map.of("message-id", "x"), "consume", tracer::currentSpan);

        assertThat(handler).isNotNull();
        assertThat(handler.context().parentId()).isNull();
    }

    @Test
    void rethrowsWhatTheHandlerThrowsAndClosesTheScope() {
        assertThatIllegalStateException().isThrownBy(() -> tracing.continueTrace(Map.of(), "consume", () -> {
            throw new IllegalStateException("handler failed");
        }));
        assertThat(tracer.currentSpan()).isNull();
    }

    @Test
    void noTracingWritesNothingAndJustRunsTheHandler() {
        assertThat(MessageTracing.none().currentContext()).isEmpty();
        assertThat(MessageTracing.none().continueTrace(Map.of(), "consume", () -> "done")).isEqualTo("done");
    }
}
