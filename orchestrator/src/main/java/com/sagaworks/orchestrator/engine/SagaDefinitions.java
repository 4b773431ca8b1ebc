package com.sagaworks.orchestrator.engine;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every saga type this orchestrator runs, collected from the {@link SagaDefinition} beans. */
public final class SagaDefinitions {

    private final Map<String, SagaDefinition<?>> byType = new LinkedHashMap<>();

    public SagaDefinitions(List<SagaDefinition<?>> definitions) {
        for (SagaDefinition<?> d : definitions) {
            if (byType.putIfAbsent(d.type(), d) != null) {
                throw new IllegalStateException("two saga definitions of type " + d.type());
            }
        }
    }

    public Optional<SagaDefinition<?>> byType(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** The definitions started by this event type (usually one). */
    public List<SagaDefinition<?>> startedBy(Class<?> eventType) {
        return byType.values().stream().filter(d -> d.trigger().eventType().equals(eventType)).toList();
    }

    public Set<Class<?>> triggerTypes() {
        Set<Class<?>> types = new LinkedHashSet<>();
        byType.values().forEach(d -> types.add(d.trigger().eventType()));
        return types;
    }

    /** The definitions an event of this type can abort. */
    public List<SagaDefinition<?>> abortedBy(Class<?> eventType) {
        return byType.values().stream()
                .filter(d -> d.aborts().stream().anyMatch(a -> a.eventType().equals(eventType)))
                .toList();
    }

    public Set<Class<?>> abortTypes() {
        Set<Class<?>> types = new LinkedHashSet<>();
        byType.values().forEach(d -> d.aborts().forEach(a -> types.add(a.eventType())));
        return types;
    }

    public Set<Class<?>> replyTypes() {
        Set<Class<?>> types = new LinkedHashSet<>();
        byType.values().forEach(d -> types.addAll(d.replyTypes()));
        return types;
    }
}
