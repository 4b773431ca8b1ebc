package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageCatalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a service consumes: one handler per message type, declared as a bean. The consumer subscribes to
 * the topics of the registered and ignored types; a type that is neither registered nor ignored on those
 * topics is dead-lettered as unknown.
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
    private final Set<String> topics;

    private MessageHandlers(Map<String, Registration> byTypeName) {
        this.byTypeName = Collections.unmodifiableMap(byTypeName);
        Set<String> t = new LinkedHashSet<>();
        byTypeName.values().forEach(r -> t.add(MessageCatalog.byClass(r.type()).topic()));
        this.topics = Collections.unmodifiableSet(t);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Registration> find(String typeName) {
        return Optional.ofNullable(byTypeName.get(typeName));
    }

    /** The topics to subscribe to. */
    public Set<String> topics() {
        return topics;
    }

    public static final class Builder {

        private final Map<String, Registration> registrations = new LinkedHashMap<>();

        private Builder() {
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

        private Builder add(Registration registration) {
            String name = MessageCatalog.byClass(registration.type()).typeName();
            if (registrations.putIfAbsent(name, registration) != null) {
                throw new IllegalStateException("two registrations for message type " + name);
            }
            return this;
        }

        public MessageHandlers build() {
            if (registrations.isEmpty()) {
                throw new IllegalStateException("no message handlers registered");
            }
            return new MessageHandlers(new LinkedHashMap<>(registrations));
        }
    }
}
