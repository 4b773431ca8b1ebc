package com.sagaworks.messaging.config;

import com.sagaworks.messaging.tracing.MessageTracing;
import com.sagaworks.messaging.tracing.MicrometerMessageTracing;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** The library's tracing against Spring Boot's own tracing auto-configuration, as a service gets it. */
class MessageTracingConfigurationTest {

    /** Boot's observation, tracing and OpenTelemetry auto-configurations, as a service with the bridge has them. */
    private static final Class<?>[] BOOT_TRACING = StreamSupport.stream(
                    ImportCandidates.load(AutoConfiguration.class, MessageTracingConfigurationTest.class.getClassLoader())
                            .spliterator(), false)
            .filter(name -> name.contains(".tracing.") || name.contains(".opentelemetry.") || name.contains(".observation."))
            // exporters (zipkin, otlp), exemplars (metrics registries) and Brave need libraries not on this classpath,
            // as in a service with the bridge only
            .filter(name -> !name.contains("Exemplars") && !name.contains(".zipkin.") && !name.contains(".otlp.")
                    && !name.contains(".brave."))
            .map(MessageTracingConfigurationTest::load)
            .toArray(Class<?>[]::new);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(MessageTracingConfiguration.class)
            .withPropertyValues("management.tracing.sampling.probability=1.0");

    /** The services' setting: spans are exported nowhere, context still propagates. */
    @Test
    void writesTheW3cTraceparentWithBootsOpenTelemetryTracingAndOtlpExportOff() {
        runner.withConfiguration(AutoConfigurations.of(BOOT_TRACING))
                .withPropertyValues("management.tracing.export.otlp.enabled=false")
                .run(context -> {
                    MessageTracing tracing = context.getBean(MessageTracing.class);
                    assertThat(tracing).isInstanceOf(MicrometerMessageTracing.class);

                    Tracer tracer = context.getBean(Tracer.class);
                    Span span = tracer.nextSpan().name("POST /orders").start();
                    try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
                        assertThat(tracing.currentContext().get(MessageTracing.TRACEPARENT))
                                .startsWith("00-" + span.context().traceId() + "-" + span.context().spanId() + "-");
                    } finally {
                        span.end();
                    }
                });
    }

    /**
     * Spring Boot's propagators are conditional on tracing export as a whole: switching
     * {@code management.tracing.export.enabled} off also stops the trace context at every service boundary. That is
     * why the services switch off only the OTLP exporter ({@code management.tracing.export.otlp.enabled=false}).
     */
    @Test
    void switchingAllTracingExportOffAlsoStopsPropagation() {
        runner.withConfiguration(AutoConfigurations.of(BOOT_TRACING))
                .withPropertyValues("management.tracing.export.enabled=false")
                .run(context -> {
                    Tracer tracer = context.getBean(Tracer.class);
                    Span span = tracer.nextSpan().start();
                    try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
                        assertThat(context.getBean(MessageTracing.class).currentContext()).isEmpty();
                    } finally {
                        span.end();
                    }
                });
    }

    @Test
    void carriesNothingWithoutATracerBean() {
        runner.run(context -> assertThat(context.getBean(MessageTracing.class).currentContext()).isEmpty());
    }

    @Test
    void carriesNothingWhenMicrometerTracingIsNotOnTheClasspath() {
        runner.withClassLoader(new FilteredClassLoader(Tracer.class))
                .run(context -> assertThat(context.getBean(MessageTracing.class))
                        .isNotInstanceOf(MicrometerMessageTracing.class));
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, MessageTracingConfigurationTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("auto-configuration " + name + " is listed but missing", e);
        }
    }
}
