package com.sagaworks.messaging.outbox;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.messaging.tracing.MessageTracing;
import com.sagaworks.messaging.tracing.MicrometerMessageTracing;
import com.sagaworks.messaging.tracing.W3cTracing;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxTraceContextTest {

    private final W3cTracing w3c = new W3cTracing();
    /** Never reached: the rows here are only built. */
    private final JdbcOutbox outbox = new JdbcOutbox(JdbcClient.create(new DriverManagerDataSource()),
            JsonMapper.builder().build(), new MicrometerMessageTracing(w3c.tracer, w3c.propagator));

    @Test
    void storesTheTraceparentOfTheSpanCurrentWhenTheMessageIsWritten() {
        Span span = w3c.tracer.nextSpan().name("POST /orders").start();
        OutboxMessage row;
        try (Tracer.SpanInScope ignored = w3c.tracer.withSpan(span)) {
            row = outbox.toOutboxMessage(UUID.randomUUID(), reserve(), Map.of());
        } finally {
            span.end();
        }

        String traceparent = row.headers().get(MessageTracing.TRACEPARENT);
        assertThat(W3cTracing.traceIdOf(traceparent)).isEqualTo(span.context().traceId());
        assertThat(W3cTracing.spanIdOf(traceparent)).isEqualTo(span.context().spanId());
    }

    @Test
    void storesNoTraceHeadersWithoutASpan() {
        OutboxMessage row = outbox.toOutboxMessage(UUID.randomUUID(), reserve(), Map.of());

        assertThat(row.headers()).doesNotContainKeys(MessageTracing.TRACEPARENT, MessageTracing.TRACESTATE);
    }

    @Test
    void keepsATraceparentTheCallerPassedExplicitly() {
        String given = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Span span = w3c.tracer.nextSpan().start();
        OutboxMessage row;
        try (Tracer.SpanInScope ignored = w3c.tracer.withSpan(span)) {
            row = outbox.toOutboxMessage(UUID.randomUUID(), reserve(), Map.of(MessageTracing.TRACEPARENT, given));
        } finally {
            span.end();
        }

        assertThat(row.headers()).containsEntry(MessageTracing.TRACEPARENT, given);
    }

    private static ReserveStock reserve() {
        return new ReserveStock(SagaId.random(), OrderId.random(), List.of(new OrderLine("SKU-1", 1)));
    }
}
