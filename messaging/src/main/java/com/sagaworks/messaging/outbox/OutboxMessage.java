package com.sagaworks.messaging.outbox;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One row of {@code messaging_outbox}: everything the relay needs to publish a Kafka record. Also the form in
 * which the inbox keeps a command's replies, so a duplicate command re-queues exactly the same row.
 *
 * @param id            the outbox row id; for a catalogued message also its {@code message-id} header
 * @param topic         destination topic
 * @param aggregateType what the key identifies ({@code saga}, {@code order}, {@code dead-letter})
 * @param aggregateId   the Kafka record key; {@code null} only for the dead letter of a keyless record
 * @param type          logical message type name
 * @param payload       the record value, a JSON document
 * @param headers       the Kafka headers, as UTF-8 strings
 */
public record OutboxMessage(UUID id, String topic, String aggregateType, String aggregateId, String type,
                            String payload, Map<String, String> headers) {

    public OutboxMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(aggregateType, "aggregateType");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        headers = Map.copyOf(headers);
    }
}
