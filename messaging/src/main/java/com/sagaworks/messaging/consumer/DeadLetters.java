package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.Topics;
import com.sagaworks.messaging.outbox.OutboxMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.core.NestedExceptionUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the outbox row that replaces a record which can never be handled: same key, original headers plus
 * {@code dlt-reason}, {@code dlt-origin} and {@code dlt-id}, on {@code <topic>.DLT}. The value is a JSON object
 * holding the reason, the origin and the original value as a string, because the outbox payload column is
 * {@code jsonb} and the original value may not be JSON at all. Also reads such a record back into a
 * {@link DeadLetter}.
 */
final class DeadLetters {

    static final String AGGREGATE_TYPE = "dead-letter";
    static final int MAX_REASON_LENGTH = 500;

    private final JsonMapper json;

    DeadLetters(JsonMapper json) {
        this.json = json;
    }

    /** The id is {@link #idOf derived from the origin}. */
    OutboxMessage of(ConsumerRecord<String, String> record, Map<String, String> headers, String reason) {
        String origin = originOf(record);
        String safeReason = jsonSafe(reason);
        Map<String, String> deadLetterHeaders = new LinkedHashMap<>();
        headers.forEach((name, value) -> deadLetterHeaders.put(jsonSafe(name), jsonSafe(value)));
        deadLetterHeaders.put(MessageHeaders.DEAD_LETTER_REASON, safeReason);
        deadLetterHeaders.put(MessageHeaders.DEAD_LETTER_ORIGIN, origin);
        UUID id = idOf(origin);
        deadLetterHeaders.put(DeadLetter.ID_HEADER, id.toString());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("reason", safeReason);
        payload.put("origin", origin);
        payload.put("originalValue", record.value() == null ? null : jsonSafe(record.value()));
        String type = headers.getOrDefault(MessageHeaders.MESSAGE_TYPE, "unknown");
        return new OutboxMessage(id, Topics.deadLetterOf(record.topic()), AGGREGATE_TYPE, record.key(),
                jsonSafe(type), json.writeValueAsString(payload), deadLetterHeaders);
    }

    /**
     * Reads a record of a dead-letter topic written by {@link #of}. A dead letter written before {@code dlt-id}
     * existed gets the same id derived from its origin.
     *
     * @throws PermanentMessageException if it is not such a record: it can then only be logged and skipped
     */
    DeadLetter read(ConsumerRecord<String, String> record, Map<String, String> headers) {
        String topic = record.topic();
        if (!topic.endsWith(Topics.DEAD_LETTER_SUFFIX)) {
            throw new PermanentMessageException("not a dead-letter topic: " + topic);
        }
        if (record.value() == null) {
            throw new PermanentMessageException("dead letter has no value");
        }
        JsonNode payload;
        try {
            payload = json.readTree(record.value());
        } catch (JacksonException e) {
            throw new PermanentMessageException("dead letter value is not JSON: " + e.getOriginalMessage(), e);
        }
        String origin = text(payload, "origin");
        String reason = text(payload, "reason");
        if (origin == null || reason == null) {
            throw new PermanentMessageException("dead letter value lacks its origin or reason");
        }
        UUID id;
        try {
            String idHeader = headers.get(DeadLetter.ID_HEADER);
            id = idHeader == null ? idOf(origin) : UUID.fromString(idHeader);
        } catch (IllegalArgumentException e) {
            throw new PermanentMessageException("invalid " + DeadLetter.ID_HEADER + " header, not a UUID", e);
        }
        Map<String, String> originalHeaders = new LinkedHashMap<>(headers);
        originalHeaders.remove(MessageHeaders.DEAD_LETTER_REASON);
        originalHeaders.remove(MessageHeaders.DEAD_LETTER_ORIGIN);
        originalHeaders.remove(DeadLetter.ID_HEADER);
        String sourceTopic = topic.substring(0, topic.length() - Topics.DEAD_LETTER_SUFFIX.length());
        return new DeadLetter(id, sourceTopic, origin, record.key(), originalHeaders, reason,
                text(payload, "originalValue"));
    }

    /**
     * The id of the dead letter of the record at {@code origin}. Derived, so the same poison record consumed twice
     * (the batch was redelivered after a crash) does not queue a second dead letter while the first one is still
     * waiting, and every copy of a dead letter is deduplicated by its consumers.
     */
    static UUID idOf(String origin) {
        return UUID.nameUUIDFromBytes(("dead-letter:" + origin).getBytes(StandardCharsets.UTF_8));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    static String originOf(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /**
     * A short, log-safe reason: a handler's own words for {@link PermanentMessageException}, otherwise the
     * exception type and the most specific cause's message, cut to {@value #MAX_REASON_LENGTH} characters.
     */
    static String reasonOf(RuntimeException error) {
        String reason;
        if (error instanceof PermanentMessageException) {
            reason = String.valueOf(error.getMessage());
        } else {
            Throwable root = NestedExceptionUtils.getMostSpecificCause(error);
            reason = error.getClass().getSimpleName()
                    + (root == error ? "" : " caused by " + root.getClass().getSimpleName())
                    + ": " + root.getMessage();
        }
        return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH) + "...";
    }

    /** PostgreSQL's jsonb cannot hold U+0000; a dead letter must be writable whatever the record contained. */
    private static String jsonSafe(String text) {
        return text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }
}
