package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.SagaId;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A record read from a dead-letter topic ({@code <topic>.DLT}), as a {@link DeadLetterHandler} receives it: what
 * the original record was and why it could not be handled.
 *
 * @param id            the dead letter's own id, derived from its origin, so every copy of one dead letter has
 *                      the same; the inbox deduplicates on it (never on the original's {@code message-id})
 * @param sourceTopic   the topic the original record was consumed from
 * @param origin        where the original record was, as {@code topic-partition@offset}
 * @param key           the original record key; {@code null} if it had none
 * @param headers       the original record's headers ({@code message-id}, {@code message-type}, {@code saga-id}
 *                      when it carried them), without the dead-letter headers
 * @param reason        why it could not be handled
 * @param originalValue the original record value as text, not necessarily JSON; {@code null} if it had none
 */
public record DeadLetter(UUID id, String sourceTopic, String origin, String key, Map<String, String> headers,
                         String reason, String originalValue) {

    /** Header of a dead-letter record carrying {@link #id()}. */
    public static final String ID_HEADER = "dlt-id";

    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(reason, "reason");
        headers = Map.copyOf(headers);
    }

    /** The original's {@code message-id}, when it had a valid one (a missing id may be why it was dead-lettered). */
    public Optional<UUID> messageId() {
        return uuid(MessageHeaders.MESSAGE_ID);
    }

    /** The original's {@code message-type}, when it had one. */
    public Optional<String> messageType() {
        return Optional.ofNullable(headers.get(MessageHeaders.MESSAGE_TYPE)).filter(type -> !type.isBlank());
    }

    /** The saga the original belonged to, when its {@code saga-id} header was there and readable. */
    public Optional<SagaId> sagaId() {
        return uuid(MessageHeaders.SAGA_ID).map(SagaId::new);
    }

    private Optional<UUID> uuid(String header) {
        String value = headers.get(header);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            // An unreadable id is information for the handler ("no usable saga id"), not an error of the letter.
            return Optional.empty();
        }
    }
}
