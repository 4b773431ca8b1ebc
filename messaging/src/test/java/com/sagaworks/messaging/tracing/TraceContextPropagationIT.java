package com.sagaworks.messaging.tracing;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.messaging.KafkaTestClient;
import com.sagaworks.messaging.MessagingTestApplication;
import com.sagaworks.messaging.outbox.Outbox;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static com.sagaworks.messaging.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace across the outbox, the relay, Kafka and the consumer, with the tracer a service gets from the
 * OpenTelemetry bridge: the command carries the writer's {@code traceparent}, and the handler runs in that trace
 * (its reply, written inside the handler, carries the same trace id from a span of its own).
 */
@SpringBootTest(classes = {MessagingTestApplication.class, TraceContextPropagationIT.Tracing.class},
        properties = "sagaworks.messaging.relay.poll-interval=500ms")
@DirtiesContext
class TraceContextPropagationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    private static KafkaTestClient kafka;

    @Autowired
    private Tracer tracer;
    @Autowired
    private Outbox outbox;
    @Autowired
    private PlatformTransactionManager transactionManager;
    @Autowired
    private JdbcClient jdbc;

    @TestConfiguration(proxyBeanMethods = false)
    static class Tracing {

        private final W3cTracing w3c = new W3cTracing();

        @Bean
        Tracer tracer() {
            return w3c.tracer;
        }

        @Bean
        Propagator propagator() {
            return w3c.propagator;
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_tracing");
        String groupId = SharedKafka.newGroupStartingAtTheEnd("messaging-tracing-it");
        registry.add("sagaworks.messaging.consumer.group-id", () -> groupId);
    }

    @BeforeAll
    static void clients() {
        kafka = new KafkaTestClient(SharedKafka.bootstrapServers());
    }

    @AfterAll
    static void closeClients() {
        kafka.close();
    }

    @Test
    void handlerOfAMessageWrittenInASpanContinuesThatTrace() {
        SagaId saga = SagaId.random();
        KafkaTestClient.Probe commands = kafka.probe(Topics.INVENTORY_COMMANDS);
        KafkaTestClient.Probe replies = kafka.probe(Topics.INVENTORY_REPLIES);

        Span placeOrder = tracer.nextSpan().name("place order").start();
        try (Tracer.SpanInScope ignored = tracer.withSpan(placeOrder)) {
            new TransactionTemplate(transactionManager).executeWithoutResult(status -> outbox.send(
                    new ReserveStock(saga, OrderId.random(), List.of(new OrderLine("SKU-1", 1)))));
        } finally {
            placeOrder.end();
        }

        ConsumerRecord<String, String> command = await().atMost(TIMEOUT)
                .until(() -> commands.recordsWithKey(saga.toString()), r -> r.size() == 1).getFirst();
        String commandParent = header(command, MessageTracing.TRACEPARENT);
        assertThat(W3cTracing.traceIdOf(commandParent)).isEqualTo(placeOrder.context().traceId());
        assertThat(W3cTracing.spanIdOf(commandParent)).isEqualTo(placeOrder.context().spanId());

        ConsumerRecord<String, String> reply = await().atMost(TIMEOUT)
                .until(() -> replies.recordsWithKey(saga.toString()), r -> r.size() == 1).getFirst();
        String replyParent = header(reply, MessageTracing.TRACEPARENT);
        assertThat(W3cTracing.traceIdOf(replyParent)).as("the handler's trace").isEqualTo(placeOrder.context().traceId());
        assertThat(W3cTracing.spanIdOf(replyParent)).as("the handler's own consumer span")
                .isNotEqualTo(placeOrder.context().spanId());

        // nothing left behind: both messages published and the outbox empty again
        await().atMost(TIMEOUT).until(() -> jdbc.sql("SELECT count(*) FROM messaging_outbox").query(Long.class).single(),
                count -> count == 0);
    }
}
