package com.sagaworks.messaging.outbox;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.messaging.MessagingTestApplication;
import com.sagaworks.messaging.inbox.Inbox;
import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A command's reply is queued and stored in the command's inbox row by one statement: both or, when the command
 * has no inbox row, an error that rolls the transaction back with nothing queued.
 */
@SpringBootTest(classes = MessagingTestApplication.class, properties = {
        "sagaworks.messaging.consumer.enabled=false",
        "sagaworks.messaging.relay.enabled=false"})
@DirtiesContext
class ReplyStorageIT {

    @Autowired
    private JdbcOutbox outbox;
    @Autowired
    private Inbox inbox;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TransactionTemplate transactions;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_replies");
    }

    @Test
    void queuesTheReplyAndStoresItForDuplicatesOfTheCommand() {
        UUID commandId = UUID.randomUUID();
        OutboxMessage reply = reply(commandId);

        transactions.executeWithoutResult(status -> {
            assertThat(inbox.record(commandId, "ReserveStock", "inventory.commands")).isTrue();
            outbox.enqueueReply(commandId, reply);
        });

        assertThat(jdbc.sql("SELECT type FROM messaging_outbox WHERE id = :id").param("id", reply.id())
                .query(String.class).list()).containsExactly("StockReserved");
        List<OutboxMessage> stored = transactions.execute(status -> inbox.replies(commandId));
        assertThat(stored).singleElement().satisfies(message -> {
            assertThat(message.id()).isEqualTo(reply.id());
            assertThat(message.payload()).isEqualTo(reply.payload());
            assertThat(message.headers()).containsEntry(MessageHeaders.CORRELATION_ID, commandId.toString());
        });
    }

    @Test
    void aReplyToACommandWithoutInboxRowFailsAndQueuesNothing() {
        UUID commandId = UUID.randomUUID();
        OutboxMessage reply = reply(commandId);

        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> outbox.enqueueReply(commandId, reply)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no inbox row for command " + commandId);

        assertThat(jdbc.sql("SELECT count(*) FROM messaging_outbox WHERE id = :id").param("id", reply.id())
                .query(Long.class).single()).isZero();
    }

    private OutboxMessage reply(UUID commandId) {
        SagaId saga = SagaId.random();
        return outbox.toOutboxMessage(UUID.randomUUID(),
                new StockReserved(saga, List.of(new PricedLine("SKU-1", 1, 250)), 250),
                Map.of(MessageHeaders.CORRELATION_ID, commandId.toString()));
    }
}
