package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageCatalog;
import com.sagaworks.contracts.Topics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a service consumes: one handler per message type, declared as a bean. The consumer subscribes to
 * the topics of the registered and ignored types; a type that is neither registered nor ignored on those
 * topics is dead-lettered as unknown. A service may also take the dead letters of chosen topics
 * ({@link Builder#onDeadLetter}); it then subscribes to their dead-letter topics as well.
 */
public final class MessageHandlers {

    /** How a registered type is handled. */
    public sealed interface Registration {
        Class<?> type();
    }

    /** A command: the handler's return value is the reply, replayed on duplicates. */
    public record Command<C>(Class<C> type, CommandHandler<? super C> handler) implements Registration {
    }

    /** An event or reply: duplicates are dropped without calling the handler. */
    public record Event<T>(Class<T> type, MessageHandler<? super T> handler) implements Registration {
    }

    /** A type that shares a subscribed topic but is of no interest here: acknowledged and skipped. */
    public record Ignored(Class<?> type) implements Registration {
    }

    private final Map<String, Registration> byTypeName;
    /** By dead-letter topic. */
    private final Map<String, DeadLetterHandler> deadLetterHandlers;
    private final Set<String> topics;
    private final Optional<BatchPreparer> batchPreparer;

    private MessageHandlers(Map<String, Registration> byTypeName, Map<String, DeadLetterHandler> deadLetterHandlers,
                            BatchPreparer batchPreparer) {
        this.batchPreparer = Optional.ofNullable(batchPreparer);
        this.byTypeName = Collections.unmodifiableMap(byTypeName);
        this.deadLetterHandlers = Collections.unmodifiableMap(deadLetterHandlers);
        Set<String> t = new LinkedHashSet<>();
        byTypeName.values().forEach(r -> t.add(MessageCatalog.byClass(r.type()).topic()));
        t.addAll(deadLetterHandlers.keySet());
        this.topics = Collections.unmodifiableSet(t);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Registration> find(String typeName) {
        return Optional.ofNullable(byTypeName.get(typeName));
    }

    /** The handler of the dead letters arriving on {@code deadLetterTopic} ({@code <topic>.DLT}), if any. */
    public Optional<DeadLetterHandler> deadLetterHandler(String deadLetterTopic) {
        return Optional.ofNullable(deadLetterHandlers.get(deadLetterTopic));
    }

    /** What runs before the records of a batch are handled, if anything (see {@link BatchPreparer}). */
    public Optional<BatchPreparer> batchPreparer() {
        return batchPreparer;
    }

    /** The topics to subscribe to, dead-letter topics included. */
    public Set<String> topics() {
        return topics;
    }

    public static final class Builder {

        private final Map<String, Registration> registrations = new LinkedHashMap<>();
        private final Map<String, DeadLetterHandler> deadLetterHandlers = new LinkedHashMap<>();
        private BatchPreparer batchPreparer;

        private Builder() {
        }

        /** Runs {@code preparer} in each batch's transaction before its records are handled (one per service). */
        public Builder beforeEachBatch(BatchPreparer preparer) {
            Objects.requireNonNull(preparer, "preparer");
            if (batchPreparer != null) {
                throw new IllegalStateException("a batch preparer is registered already");
            }
            batchPreparer = preparer;
            return this;
        }

        public <C> Builder onCommand(Class<C> type, CommandHandler<? super C> handler) {
            return add(new Command<>(type, handler));
        }

        public <T> Builder on(Class<T> type, MessageHandler<? super T> handler) {
            return add(new Event<>(type, handler));
        }

        public Builder ignore(Class<?>... types) {
            for (Class<?> type : types) {
                add(new Ignored(type));
            }
            return this;
        }

        /**
         * Takes the dead letters of each source topic: subscribes to {@code Topics.deadLetterOf(topic)} and hands
         * every dead letter there to {@code handler}, once (see {@link DeadLetterHandler}). A record on those
         * topics that is not a readable dead letter is logged and skipped, never looped on.
         *
         * @param sourceTopics catalogued topics whose dead letters to take (at least one)
         */
        public Builder onDeadLetter(DeadLetterHandler handler, String... sourceTopics) {
            Objects.requireNonNull(handler, "handler");
            if (sourceTopics.length == 0) {
                throw new IllegalArgumentException("name at least one topic whose dead letters to take");
            }
            Set<String> catalogued = new LinkedHashSet<>();
            MessageCatalog.entries().forEach(entry -> catalogued.add(entry.topic()));
            for (String topic : sourceTopics) {
                // Only catalogued topics have a declared dead-letter topic; a typo would subscribe to nothing.
                if (!catalogued.contains(topic)) {
                    throw new IllegalArgumentException("not a catalogued topic: " + topic + "; expected one of "
                            + catalogued);
                }
                if (deadLetterHandlers.putIfAbsent(Topics.deadLetterOf(topic), handler) != null) {
                    throw new IllegalStateException("two dead-letter handlers for topic " + topic);
                }
            }
            return this;
        }

        private Builder add(Registration registration) {
            String name = MessageCatalog.byClass(registration.type()).typeName();
            if (registrations.putIfAbsent(name, registration) != null) {
                throw new IllegalStateException("two registrations for message type " + name);
            }
            return this;
        }

        public MessageHandlers build() {
            if (registrations.isEmpty() && deadLetterHandlers.isEmpty()) {
                throw new IllegalStateException("no message handlers registered");
            }
            return new MessageHandlers(new LinkedHashMap<>(registrations), new LinkedHashMap<>(deadLetterHandlers),
                    batchPreparer);
        }
    }
}
