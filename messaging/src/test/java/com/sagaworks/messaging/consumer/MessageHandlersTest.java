package com.sagaworks.messaging.consumer;

import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockReleased;
import com.sagaworks.contracts.inventory.StockReserved;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageHandlersTest {

    private static final DeadLetterHandler IGNORE = letter -> {
    };

    @Test
    void subscribesToTheDeadLetterTopicsOfTheNamedTopics() {
        MessageHandlers handlers = MessageHandlers.builder()
                .onCommand(ReserveStock.class, command -> DeferredReply.LATER)
                .onDeadLetter(IGNORE, Topics.INVENTORY_COMMANDS, Topics.PAYMENT_COMMANDS)
                .build();

        assertThat(handlers.topics()).containsExactly(Topics.INVENTORY_COMMANDS, "inventory.commands.DLT",
                "payment.commands.DLT");
        assertThat(handlers.deadLetterHandler("payment.commands.DLT")).containsSame(IGNORE);
        assertThat(handlers.deadLetterHandler(Topics.PAYMENT_COMMANDS)).isEmpty();
        assertThat(handlers.find("ReserveStock")).isPresent();
    }

    @Test
    void aServiceMayTakeOnlyDeadLetters() {
        MessageHandlers handlers = MessageHandlers.builder().onDeadLetter(IGNORE, Topics.INVENTORY_REPLIES).build();

        assertThat(handlers.topics()).containsExactly("inventory.replies.DLT");
        assertThat(handlers.find("StockReserved")).isEmpty();
    }

    @Test
    void refusesATopicOutsideTheCatalogue() {
        assertThatThrownBy(() -> MessageHandlers.builder().onDeadLetter(IGNORE, "inventory.comands"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a catalogued topic");
        assertThatThrownBy(() -> MessageHandlers.builder().onDeadLetter(IGNORE, "inventory.commands.DLT"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageHandlers.builder().onDeadLetter(IGNORE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTwoDeadLetterHandlersForOneTopic() {
        assertThatThrownBy(() -> MessageHandlers.builder()
                .onDeadLetter(IGNORE, Topics.INVENTORY_REPLIES)
                .onDeadLetter(IGNORE, Topics.INVENTORY_REPLIES))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void takesOneBatchPreparer() {
        BatchPreparer preparer = headers -> {
        };
        MessageHandlers.Builder builder = MessageHandlers.builder().beforeEachBatch(preparer);

        assertThatThrownBy(() -> builder.beforeEachBatch(headers -> {
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("batch preparer");
        assertThat(builder.ignore(StockReleased.class).build().batchPreparer()).containsSame(preparer);
        assertThat(MessageHandlers.builder().ignore(StockReleased.class).build().batchPreparer()).isEmpty();
    }

    @Test
    void stillRefusesAnEmptyRegistry() {
        assertThatThrownBy(() -> MessageHandlers.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThat(MessageHandlers.builder().on(StockReserved.class, message -> {
        }).build().topics()).containsExactly(Topics.INVENTORY_REPLIES);
    }
}
