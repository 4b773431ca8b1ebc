package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.Topics;
import com.sagaworks.messaging.outbox.OutboxMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.core.NestedExceptionUtils;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the outbox row that replaces a record which can never be handled: same key, original headers plus
 * {@code dlt-reason} and {@code dlt-origin}, on {@code <topic>.DLT}. The value is a JSON object holding the
 * reason, the origin and the original value as a string, because the outbox payload column is {@code jsonb}
 * and the original value may not be JSON at all.
 */
final class DeadLetters {

    static final String AGGREGATE_TYPE = "dead-letter";
    static final int MAX_REASON_LENGTH = 500;

    private final JsonMapper json;

    DeadLetters(JsonMapper json) {
        this.json = json;
    }

    /**
     * The id is derived from the origin, so the same poison record consumed twice (the batch was redelivered
     * after a crash) does not queue a second dead letter while the first one is still waiting.
     */
    OutboxMessage of(ConsumerRecord<String, String> record, Map<String, String> headers, String reason) {
        String origin = originOf(record);
        String safeReason = jsonSafe(reason);
        Map<String, String> deadLetterHeaders = new LinkedHashMap<>();
        headers.forEach((name, value) -> deadLetterHeaders.put(jsonSafe(name), jsonSafe(value)));
        deadLetterHeaders.put(MessageHeaders.DEAD_LETTER_REASON, safeReason);
        deadLetterHeaders.put(MessageHeaders.DEAD_LETTER_ORIGIN, origin);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("reason", safeReason);
        payload.put("origin", origin);
        payload.put("originalValue", record.value() == null ? null : jsonSafe(record.value()));
        UUID id = UUID.nameUUIDFromBytes(("dead-letter:" + origin).getBytes(StandardCharsets.UTF_8));
        String type = headers.getOrDefault(MessageHeaders.MESSAGE_TYPE, "unknown");
        return new OutboxMessage(id, Topics.deadLetterOf(record.topic()), AGGREGATE_TYPE, record.key(),
                jsonSafe(type), json.writeValueAsString(payload), deadLetterHeaders);
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
