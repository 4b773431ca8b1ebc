package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.messaging.outbox.OutboxMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.sql.SQLException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLettersTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final DeadLetters deadLetters = new DeadLetters(json);

    @Test
    void keepsKeyAndHeadersAndWrapsTheRawValueWithReasonAndOrigin() {
        ConsumerRecord<String, String> record = new ConsumerRecord<>("inventory.commands", 2, 41, "saga-1", "not json");
        Map<String, String> headers = Map.of(MessageHeaders.MESSAGE_ID, "m-1", MessageHeaders.MESSAGE_TYPE, "ReserveStock");

        OutboxMessage letter = deadLetters.of(record, headers, "undecodable");

        assertThat(letter.topic()).isEqualTo("inventory.commands.DLT");
        assertThat(letter.aggregateId()).isEqualTo("saga-1");
        assertThat(letter.type()).isEqualTo("ReserveStock");
        assertThat(letter.headers()).containsEntry(MessageHeaders.MESSAGE_ID, "m-1")
                .containsEntry(MessageHeaders.DEAD_LETTER_REASON, "undecodable")
                .containsEntry(MessageHeaders.DEAD_LETTER_ORIGIN, "inventory.commands-2@41");
        JsonNode payload = json.readTree(letter.payload());
        assertThat(payload.get("reason").asString()).isEqualTo("undecodable");
        assertThat(payload.get("origin").asString()).isEqualTo("inventory.commands-2@41");
        assertThat(payload.get("originalValue").asString()).isEqualTo("not json");
    }

    @Test
    void derivesTheIdFromTheOriginSoARedeliveryDoesNotQueueASecondLetter() {
        ConsumerRecord<String, String> record = new ConsumerRecord<>("inventory.commands", 0, 7, "k", "v");

        assertThat(deadLetters.of(record, Map.of(), "a").id()).isEqualTo(deadLetters.of(record, Map.of(), "b").id());
    }

    @Test
    void replacesNulCharactersThatJsonbCannotStore() {
        ConsumerRecord<String, String> record = new ConsumerRecord<>("inventory.commands", 0, 7, null, "a\u0000b");

        OutboxMessage letter = deadLetters.of(record, Map.of("h", "x\u0000"), "bad");

        assertThat(letter.payload()).doesNotContain("\\u0000");
        assertThat(letter.headers().get("h")).isEqualTo("x\uFFFD");
        assertThat(letter.aggregateId()).isNull();
    }

    @Test
    void usesTheHandlersWordsOrTheMostSpecificCauseAsReason() {
        assertThat(DeadLetters.reasonOf(new PermanentMessageException("no such product"))).isEqualTo("no such product");
        assertThat(DeadLetters.reasonOf(new DataIntegrityViolationException("PreparedStatementCallback; long text",
                new SQLException("null value in column \"saga_id\"", "23502"))))
                .isEqualTo("DataIntegrityViolationException caused by SQLException: null value in column \"saga_id\"");
        assertThat(DeadLetters.reasonOf(new PermanentMessageException("x".repeat(2000))))
                .hasSize(DeadLetters.MAX_REASON_LENGTH + 3);
    }
}
