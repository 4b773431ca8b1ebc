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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                .containsEntry(MessageHeaders.DEAD_LETTER_ORIGIN, "inventory.commands-2@41")
                .containsEntry(DeadLetter.ID_HEADER, letter.id().toString());
        JsonNode payload = json.readTree(letter.payload());
        assertThat(payload.get("reason").asString()).isEqualTo("undecodable");
        assertThat(payload.get("origin").asString()).isEqualTo("inventory.commands-2@41");
        assertThat(payload.get("originalValue").asString()).isEqualTo("not json");
    }

    @Test
    void readsBackWhatItWroteWithTheOriginalHeadersApart() {
        ConsumerRecord<String, String> record = new ConsumerRecord<>("inventory.commands", 2, 41, "saga-1", "not json");
        Map<String, String> headers = Map.of(MessageHeaders.MESSAGE_ID, "m-1", MessageHeaders.MESSAGE_TYPE, "ReserveStock");
        OutboxMessage letter = deadLetters.of(record, headers, "undecodable");
        ConsumerRecord<String, String> published =
                new ConsumerRecord<>(letter.topic(), 0, 7, letter.aggregateId(), letter.payload());

        DeadLetter read = deadLetters.read(published, letter.headers());

        assertThat(read.id()).isEqualTo(letter.id());
        assertThat(read.sourceTopic()).isEqualTo("inventory.commands");
        assertThat(read.origin()).isEqualTo("inventory.commands-2@41");
        assertThat(read.key()).isEqualTo("saga-1");
        assertThat(read.reason()).isEqualTo("undecodable");
        assertThat(read.originalValue()).isEqualTo("not json");
        assertThat(read.headers()).isEqualTo(headers);
        assertThat(read.messageType()).contains("ReserveStock");
        // "m-1" is no UUID: the handler learns there is no usable id, the letter is still read.
        assertThat(read.messageId()).isEmpty();
        assertThat(read.sagaId()).isEmpty();
    }

    @Test
    void givesALetterWithoutAnIdHeaderTheIdItsOriginDerives() {
        ConsumerRecord<String, String> record = new ConsumerRecord<>("inventory.commands", 0, 7, "k", "v");
        OutboxMessage letter = deadLetters.of(record, Map.of(), "bad");
        Map<String, String> oldHeaders = new java.util.HashMap<>(letter.headers());
        oldHeaders.remove(DeadLetter.ID_HEADER);

        DeadLetter read = deadLetters.read(new ConsumerRecord<>(letter.topic(), 0, 1, "k", letter.payload()), oldHeaders);

        assertThat(read.id()).isEqualTo(letter.id());
    }

    @Test
    void refusesARecordThatIsNoDeadLetter() {
        assertThatThrownBy(() -> deadLetters.read(
                new ConsumerRecord<>("inventory.commands.DLT", 0, 1, "k", "not json"), Map.of()))
                .isInstanceOf(PermanentMessageException.class).hasMessageStartingWith("dead letter value is not JSON");
        assertThatThrownBy(() -> deadLetters.read(
                new ConsumerRecord<>("inventory.commands.DLT", 0, 1, "k", "{\"reason\": \"x\"}"), Map.of()))
                .isInstanceOf(PermanentMessageException.class).hasMessage("dead letter value lacks its origin or reason");
        assertThatThrownBy(() -> deadLetters.read(
                new ConsumerRecord<>("inventory.commands.DLT", 0, 1, "k", null), Map.of()))
                .isInstanceOf(PermanentMessageException.class).hasMessage("dead letter has no value");
        assertThatThrownBy(() -> deadLetters.read(new ConsumerRecord<>("inventory.commands.DLT", 0, 1, "k",
                "{\"reason\": \"x\", \"origin\": \"t-0@1\"}"), Map.of(DeadLetter.ID_HEADER, "nope")))
                .isInstanceOf(PermanentMessageException.class).hasMessageStartingWith("invalid dlt-id header");
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
