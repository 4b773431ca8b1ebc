package com.sagaworks.messaging.consumer;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A message handed to a handler: the decoded payload plus the envelope it came in.
 *
 * @param messageId     the sender's id; the inbox deduplicates on it
 * @param correlationId on a reply, the id of the command it answers; otherwise {@code null}
 */
public record IncomingMessage<T>(UUID messageId, UUID correlationId, String topic, int partition, long offset,
                                 Map<String, String> headers, T payload) {

    public IncomingMessage {
        headers = Map.copyOf(headers);
    }

    public Optional<UUID> correlation() {
        return Optional.ofNullable(correlationId);
    }

    /** {@code topic-partition@offset}, for logs and dead letters. */
    public String origin() {
        return topic + "-" + partition + "@" + offset;
    }
}
