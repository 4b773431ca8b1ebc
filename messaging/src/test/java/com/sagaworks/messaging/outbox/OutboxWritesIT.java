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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Outbox writes in the caller's transaction. A command's reply is queued and stored in the command's inbox row by
 * one statement: both or, when the command has no inbox row, an error that rolls the transaction back with nothing
 * queued. Inside {@link JdbcOutbox#writeTogether} rows are held back and written at its end, in the order queued,
 * replies stored likewise; nothing is written when the work fails, and a transaction of its own started inside it
 * writes its rows itself.
 */
@SpringBootTest(classes = MessagingTestApplication.class, properties = {
        "sagaworks.messaging.consumer.enabled=false",
        "sagaworks.messaging.relay.enabled=false"})
@DirtiesContext
class OutboxWritesIT {

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

        assertThat(outboxRows(List.of(reply.id()))).isZero();
    }

    @Test
    void rowsQueuedTogetherAreWrittenAtTheEndInTheOrderQueuedWithTheirReplies() {
        UUID firstCommand = UUID.randomUUID();
        UUID secondCommand = UUID.randomUUID();
        OutboxMessage firstReply = reply(firstCommand);
        OutboxMessage secondReply = reply(secondCommand);
        OutboxMessage event = reply(UUID.randomUUID());

        List<Long> seenInside = transactions.execute(status -> {
            inbox.recordAll(List.of(new Inbox.Entry(firstCommand, "ReserveStock", "inventory.commands"),
                    new Inbox.Entry(secondCommand, "ReserveStock", "inventory.commands")));
            List<Long> seen = new ArrayList<>();
            outbox.writeTogether(() -> {
                outbox.enqueueReply(secondCommand, secondReply);
                outbox.enqueue(event);
                outbox.enqueueReply(firstCommand, firstReply);
                // queued twice: written once
                outbox.enqueue(event);
                seen.add(outboxRows(List.of(firstReply.id(), secondReply.id(), event.id())));
            });
            seen.add(outboxRows(List.of(firstReply.id(), secondReply.id(), event.id())));
            return seen;
        });

        assertThat(seenInside).as("rows seen inside, then after the end of writeTogether").containsExactly(0L, 3L);
        assertThat(jdbc.sql("SELECT id FROM messaging_outbox WHERE id IN (:ids) ORDER BY seq")
                .param("ids", List.of(firstReply.id(), secondReply.id(), event.id()))
                .query(UUID.class).list())
                .as("publication order is the order queued")
                .containsExactly(secondReply.id(), event.id(), firstReply.id());
        assertThat(storedReplies(firstCommand))
                .extracting(OutboxMessage::id).containsExactly(firstReply.id());
        assertThat(storedReplies(secondCommand))
                .extracting(OutboxMessage::id).containsExactly(secondReply.id());
        assertThat(jdbc.sql("SELECT headers ->> 'correlation-id' FROM messaging_outbox WHERE id = :id")
                .param("id", firstReply.id()).query(String.class).single()).isEqualTo(firstCommand.toString());
    }

    @Test
    void aSingleRowQueuedTogetherIsWrittenWithItsReply() {
        UUID commandId = UUID.randomUUID();
        OutboxMessage reply = reply(commandId);

        transactions.executeWithoutResult(status -> {
            inbox.record(commandId, "ReserveStock", "inventory.commands");
            outbox.writeTogether(() -> outbox.enqueueReply(commandId, reply));
        });

        assertThat(outboxRows(List.of(reply.id()))).isEqualTo(1);
        assertThat(storedReplies(commandId))
                .extracting(OutboxMessage::id).containsExactly(reply.id());
    }

    @Test
    void workThatFailsWritesNothingItQueued() {
        OutboxMessage event = reply(UUID.randomUUID());

        // The caller catches the failure and commits: what the work queued was held back, so nothing of it stays.
        transactions.executeWithoutResult(status -> assertThatThrownBy(() -> outbox.writeTogether(() -> {
            outbox.enqueue(event);
            throw new IllegalStateException("simulated failure after queuing");
        })).hasMessage("simulated failure after queuing"));

        assertThat(outboxRows(List.of(event.id()))).isZero();
    }

    @Test
    void repliesOfCommandsWithoutInboxRowFailTheWriteAndQueueNothing() {
        UUID known = UUID.randomUUID();
        UUID unknown = UUID.randomUUID();
        OutboxMessage knownReply = reply(known);
        OutboxMessage unknownReply = reply(unknown);

        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
            inbox.record(known, "ReserveStock", "inventory.commands");
            outbox.writeTogether(() -> {
                outbox.enqueueReply(known, knownReply);
                outbox.enqueueReply(unknown, unknownReply);
            });
        })).isInstanceOf(IllegalStateException.class)
                .hasMessage("no inbox row for command " + unknown + " to store its reply in");

        assertThat(outboxRows(List.of(knownReply.id(), unknownReply.id()))).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM messaging_inbox WHERE message_id = :id").param("id", known)
                .query(Long.class).single()).isZero();
    }

    @Test
    void aTransactionOfItsOwnInsideWritesItsRowsItself() {
        OutboxMessage held = reply(UUID.randomUUID());
        OutboxMessage own = reply(UUID.randomUUID());
        TransactionTemplate requiresNew = new TransactionTemplate(transactions.getTransactionManager());
        requiresNew.setPropagationBehavior(TransactionTemplate.PROPAGATION_REQUIRES_NEW);

        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> outbox.writeTogether(() -> {
            outbox.enqueue(held);
            requiresNew.executeWithoutResult(inner -> outbox.enqueue(own));
            // committed by the inner transaction, visible to a third one
            Long seenByAnother = requiresNew.execute(other -> outboxRows(List.of(own.id())));
            assertThat(seenByAnother).isEqualTo(1);
            outbox.enqueue(reply(UUID.randomUUID()));
            throw new IllegalStateException("the outer transaction fails");
        }))).hasMessage("the outer transaction fails");

        assertThat(outboxRows(List.of(own.id()))).isEqualTo(1);
        assertThat(outboxRows(List.of(held.id()))).isZero();
    }

    private List<OutboxMessage> storedReplies(UUID commandId) {
        List<OutboxMessage> stored = transactions.execute(status -> inbox.replies(commandId));
        return stored;
    }

    private long outboxRows(List<UUID> ids) {
        return jdbc.sql("SELECT count(*) FROM messaging_outbox WHERE id IN (:ids)").param("ids", ids)
                .query(Long.class).single();
    }

    private OutboxMessage reply(UUID commandId) {
        SagaId saga = SagaId.random();
        return outbox.toOutboxMessage(UUID.randomUUID(),
                new StockReserved(saga, List.of(new PricedLine("SKU-1", 1, 250)), 250),
                Map.of(MessageHeaders.CORRELATION_ID, commandId.toString()));
    }
}
