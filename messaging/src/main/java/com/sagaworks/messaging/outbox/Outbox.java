package com.sagaworks.messaging.outbox;

import java.util.Map;
import java.util.UUID;

/**
 * Writes messages to the service's outbox table in the caller's transaction. The relay publishes them
 * after commit; nothing here talks to Kafka. Refuses to run outside a transaction: a message written
 * outside the unit of work it announces could be published for a change that then rolls back.
 */
public interface Outbox {

    /** Queues {@code message} (a catalogued record) under a fresh id; returns that id. */
    UUID send(Object message);

    /**
     * Queues {@code message} under a caller-chosen id. Re-sending a command with the same id lets the
     * receiver deduplicate it; if a row with this id is still waiting in the outbox nothing is added.
     */
    UUID send(UUID messageId, Object message);

    /** As {@link #send(UUID, Object)}, with extra Kafka headers (for instance a correlation id). */
    UUID send(UUID messageId, Object message, Map<String, String> headers);
}
