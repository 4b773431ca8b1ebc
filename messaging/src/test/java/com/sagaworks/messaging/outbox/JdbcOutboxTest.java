package com.sagaworks.messaging.outbox;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.order.OrderPlaced;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.IllegalTransactionStateException;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcOutboxTest {

    private final JsonMapper json = JsonMapper.builder().build();
    /** Never reached: the rows here are only built, or refused before any SQL. */
    private final JdbcOutbox outbox = new JdbcOutbox(JdbcClient.create(new DriverManagerDataSource()), json);

    @Test
    void derivesTopicKeyTypeAndHeadersOfASagaMessage() {
        SagaId saga = SagaId.random();
        UUID id = UUID.randomUUID();
        var command = new ReserveStock(saga, OrderId.random(), List.of(new OrderLine("SKU-1", 2)));

        OutboxMessage row = outbox.toOutboxMessage(id, command, Map.of("traceparent", "00-abc"));

        assertThat(row.topic()).isEqualTo(Topics.INVENTORY_COMMANDS);
        assertThat(row.aggregateType()).isEqualTo("saga");
        assertThat(row.aggregateId()).isEqualTo(saga.toString());
        assertThat(row.type()).isEqualTo("ReserveStock");
        assertThat(row.headers()).containsExactlyInAnyOrderEntriesOf(Map.of(
                MessageHeaders.MESSAGE_ID, id.toString(),
                MessageHeaders.MESSAGE_TYPE, "ReserveStock",
                MessageHeaders.SAGA_ID, saga.toString(),
                "traceparent", "00-abc"));
        assertThat(json.readValue(row.payload(), ReserveStock.class)).isEqualTo(command);
    }

    @Test
    void keysAPublicOrderEventByOrderWithoutASagaHeader() {
        OrderId order = OrderId.random();
        var placed = new OrderPlaced(order, new CustomerId("c-1"), List.of(new OrderLine("SKU-1", 1)), Instant.now());

        OutboxMessage row = outbox.toOutboxMessage(UUID.randomUUID(), placed, Map.of());

        assertThat(row.topic()).isEqualTo(Topics.ORDER_EVENTS);
        assertThat(row.aggregateType()).isEqualTo("order");
        assertThat(row.aggregateId()).isEqualTo(order.toString());
        assertThat(row.headers()).doesNotContainKey(MessageHeaders.SAGA_ID);
    }

    @Test
    void refusesAHeaderThatContradictsTheMessage() {
        var command = new ReserveStock(SagaId.random(), OrderId.random(), List.of(new OrderLine("SKU-1", 2)));

        assertThatThrownBy(() -> outbox.toOutboxMessage(UUID.randomUUID(), command,
                Map.of(MessageHeaders.MESSAGE_TYPE, "Other"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesToWriteOutsideATransactionEvenWhenNotProxied() {
        var command = new ReserveStock(SagaId.random(), OrderId.random(), List.of(new OrderLine("SKU-1", 2)));

        assertThatThrownBy(() -> outbox.send(command)).isInstanceOf(IllegalTransactionStateException.class);
    }

    @Test
    void refusesAnUncataloguedMessage() {
        assertThatThrownBy(() -> outbox.toOutboxMessage(UUID.randomUUID(), "just a string", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
