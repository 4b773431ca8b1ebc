package com.sagaworks.orchestrator.engine;

import com.sagaworks.contracts.SagaId;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A saga type written as a step table: which event starts it, then per step the command, the handling of each
 * reply and the compensation. The engine knows nothing about any particular saga; adding a saga type means
 * declaring one more definition bean.
 *
 * <pre>{@code
 * SagaDefinition.named("place-order", PlaceOrderData.class)
 *     .startedBy(OrderPlaced.class, e -> e.orderId().toString(), PlaceOrderData::from)
 *     .step("RESERVE_STOCK")
 *         .invoke(d -> new ReserveStock(...))
 *         .onReply(StockReserved.class, (d, r) -> proceed(d.reserved(r)))
 *         .onReply(StockRejected.class, (d, r) -> fail(d, "OUT_OF_STOCK"))
 *         .compensateWith(d -> new ReleaseStock(...))
 *         .onCompensationReply(StockReleased.class, (d, r) -> proceed(d))
 *     ...
 *     .build();
 * }</pre>
 */
public final class SagaDefinition<D> {

    /** The event that starts a saga of this type, its business key (one saga per key) and initial data. */
    public record Trigger<E, D>(Class<E> eventType, Function<E, String> businessKey,
                                BiFunction<SagaId, E, D> initialData) {
    }

    /**
     * An event that asks to abandon a running saga (the customer cancelled the order): its business key and how
     * the saga data records the reason before compensating.
     */
    public record Abort<E, D>(Class<E> eventType, Function<E, String> businessKey, BiFunction<D, E, D> mark) {
    }

    private final String type;
    private final Class<D> dataType;
    private final Trigger<?, D> trigger;
    private final List<Abort<?, D>> aborts;
    private final List<SagaStep<D>> steps;
    private final Duration stepTimeout;
    private final Function<D, D> onTimeout;

    private SagaDefinition(String type, Class<D> dataType, Trigger<?, D> trigger, List<SagaStep<D>> steps,
                           Duration stepTimeout, Function<D, D> onTimeout, List<Abort<?, D>> aborts) {
        this.type = type;
        this.dataType = dataType;
        this.trigger = trigger;
        this.aborts = List.copyOf(aborts);
        this.steps = List.copyOf(steps);
        this.stepTimeout = stepTimeout;
        this.onTimeout = onTimeout;
    }

    public static <D> Builder<D> named(String type, Class<D> dataType) {
        return new Builder<>(type, dataType);
    }

    public String type() {
        return type;
    }

    public Class<D> dataType() {
        return dataType;
    }

    public Trigger<?, D> trigger() {
        return trigger;
    }

    public List<SagaStep<D>> steps() {
        return steps;
    }

    /** How long a step may wait for its reply before the deadline passes. */
    public Duration stepTimeout() {
        return stepTimeout;
    }

    public List<Abort<?, D>> aborts() {
        return aborts;
    }

    /** How the saga data records that a step was given up after its deadline (before compensating). */
    public Function<D, D> onTimeout() {
        return onTimeout;
    }

    public Optional<SagaStep<D>> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    int indexOf(String stepName) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(stepName)) {
                return i;
            }
        }
        throw new IllegalArgumentException("saga " + type + " has no step " + stepName);
    }

    /** Every reply type some step of this saga reads. */
    public Set<Class<?>> replyTypes() {
        Set<Class<?>> types = new LinkedHashSet<>();
        steps.forEach(s -> {
            types.addAll(s.replyHandlers().keySet());
            types.addAll(s.compensationReplyHandlers().keySet());
        });
        return types;
    }

    /** The saga id for a business key: derived, so a redelivered start event finds the same saga. */
    public SagaId sagaIdFor(String businessKey) {
        return new SagaId(UUID.nameUUIDFromBytes((type + "/" + businessKey).getBytes(StandardCharsets.UTF_8)));
    }

    public static final class Builder<D> {

        private final String type;
        private final Class<D> dataType;
        private final List<StepBuilder<D>> steps = new ArrayList<>();
        private Trigger<?, D> trigger;
        private Duration stepTimeout = Duration.ofSeconds(30);
        private Function<D, D> onTimeout = Function.identity();
        private final List<Abort<?, D>> aborts = new ArrayList<>();

        private Builder(String type, Class<D> dataType) {
            this.type = Objects.requireNonNull(type);
            this.dataType = Objects.requireNonNull(dataType);
        }

        public <E> Builder<D> startedBy(Class<E> eventType, Function<E, String> businessKey,
                                        BiFunction<SagaId, E, D> initialData) {
            this.trigger = new Trigger<>(eventType, businessKey, initialData);
            return this;
        }

        public Builder<D> stepTimeout(Duration timeout) {
            this.stepTimeout = timeout;
            return this;
        }

        /** Marks the data when a step is given up after its deadline, e.g. with a cancellation reason. */
        public Builder<D> onTimeout(Function<D, D> marker) {
            this.onTimeout = marker;
            return this;
        }

        /**
         * An event that abandons the saga while it runs: compensation starts at once, with the current step's own
         * compensation (its command may already have taken effect). Once the saga is compensating or ended the
         * event changes nothing.
         */
        public <E> Builder<D> abortedBy(Class<E> eventType, Function<E, String> businessKey, BiFunction<D, E, D> mark) {
            aborts.add(new Abort<>(eventType, businessKey, mark));
            return this;
        }

        public StepBuilder<D> step(String name) {
            StepBuilder<D> step = new StepBuilder<>(this, name);
            steps.add(step);
            return step;
        }

        public SagaDefinition<D> build() {
            if (trigger == null) {
                throw new IllegalStateException("saga " + type + " has no start event");
            }
            List<SagaStep<D>> built = steps.stream().map(StepBuilder::toStep).toList();
            Set<String> names = new LinkedHashSet<>();
            for (SagaStep<D> s : built) {
                if (!names.add(s.name())) {
                    throw new IllegalStateException("saga " + type + " declares step " + s.name() + " twice");
                }
            }
            if (built.stream().noneMatch(SagaStep::hasAction)) {
                throw new IllegalStateException("saga " + type + " has no step with an action");
            }
            return new SagaDefinition<>(type, dataType, trigger, built, stepTimeout, onTimeout, aborts);
        }
    }

    public static final class StepBuilder<D> {

        private final Builder<D> saga;
        private final String name;
        private final Map<Class<?>, BiFunction<D, Object, StepOutcome<D>>> replies = new LinkedHashMap<>();
        private final Map<Class<?>, BiFunction<D, Object, StepOutcome<D>>> compensationReplies = new LinkedHashMap<>();
        private Function<D, Object> action;
        private Function<D, Object> compensation;

        private StepBuilder(Builder<D> saga, String name) {
            this.saga = saga;
            this.name = Objects.requireNonNull(name);
        }

        /** The command that performs this step. */
        public StepBuilder<D> invoke(Function<D, Object> command) {
            this.action = command;
            return this;
        }

        /** How a reply to the step's command is read. */
        public <R> StepBuilder<D> onReply(Class<R> replyType, BiFunction<D, R, StepOutcome<D>> handler) {
            replies.put(replyType, (d, r) -> handler.apply(d, replyType.cast(r)));
            return this;
        }

        /** The command that undoes this step; it must be safe even if the step never took effect. */
        public StepBuilder<D> compensateWith(Function<D, Object> command) {
            this.compensation = command;
            return this;
        }

        /** How a reply to the compensation is read. */
        public <R> StepBuilder<D> onCompensationReply(Class<R> replyType, BiFunction<D, R, StepOutcome<D>> handler) {
            compensationReplies.put(replyType, (d, r) -> handler.apply(d, replyType.cast(r)));
            return this;
        }

        public StepBuilder<D> step(String next) {
            return saga.step(next);
        }

        public SagaDefinition<D> build() {
            return saga.build();
        }

        private SagaStep<D> toStep() {
            if (action == null && !replies.isEmpty()) {
                throw new IllegalStateException("step " + name + " reads replies but sends no command");
            }
            if (action != null && replies.isEmpty()) {
                throw new IllegalStateException("step " + name + " sends a command but reads no reply");
            }
            if (compensation != null && compensationReplies.isEmpty()) {
                throw new IllegalStateException("step " + name + " compensates but reads no compensation reply");
            }
            return new SagaStep<>(name, action, replies, compensation, compensationReplies);
        }
    }
}
