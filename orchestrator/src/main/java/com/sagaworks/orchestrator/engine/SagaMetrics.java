package com.sagaworks.orchestrator.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What the engine reports to Micrometer. Tags are the saga type, status and step names, all from the saga
 * definitions, so their number stays bounded.
 */
public class SagaMetrics {

    private final MeterRegistry registry;
    private final Clock clock;

    public SagaMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    void started(String type) {
        Counter.builder("sagaworks.sagas.started").description("Sagas started")
                .tag("type", type).register(registry).increment();
    }

    /**
     * A saga left {@code step} (entered at {@code stepEnteredAt}) for {@code to}; when {@code to} ends the saga,
     * its whole duration since {@code createdAt} is recorded too.
     */
    void moved(String type, String step, SagaStatus from, SagaStatus to, Instant stepEnteredAt, Instant createdAt) {
        Instant now = clock.instant();
        if (step != null) {
            Timer.builder("sagaworks.saga.step.duration")
                    .description("Time a saga waited in a step before it moved on")
                    .tag("type", type).tag("step", step).tag("phase", from.name()).tag("outcome", to.name())
                    .publishPercentileHistogram()
                    .register(registry).record(Duration.between(stepEnteredAt, now));
        }
        if (to.isEnded() && !from.isEnded()) {
            Counter.builder("sagaworks.sagas.ended").description("Sagas that reached COMPLETED, COMPENSATED or FAILED")
                    .tag("type", type).tag("status", to.name()).register(registry).increment();
            Timer.builder("sagaworks.saga.duration").description("Time from start to end of a saga")
                    .tag("type", type).tag("status", to.name())
                    .publishPercentileHistogram()
                    .register(registry).record(Duration.between(createdAt, now));
        }
    }

    void deadlinePassed(String type, String step) {
        Counter.builder("sagaworks.saga.deadlines.passed").description("Step deadlines that passed without a reply")
                .tag("type", type).tag("step", step == null ? "none" : step).register(registry).increment();
    }

    void deadLettered(String type, String sourceTopic) {
        Counter.builder("sagaworks.saga.messages.dead-lettered")
                .description("Messages of a saga that some service dead-lettered")
                .tag("type", type).tag("topic", sourceTopic).register(registry).increment();
    }

    void ignored(String type) {
        Counter.builder("sagaworks.saga.messages.ignored")
                .description("Replies and events that changed nothing (stale, duplicate, after the end)")
                .tag("type", type).register(registry).increment();
    }
}
