package com.sagaworks.contracts;

import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.contracts.order.OrderPlaced;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageCatalogTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void everySealedPermitIsCatalogued() {
        for (Class<?> root : List.of(com.sagaworks.contracts.inventory.InventoryCommand.class,
                com.sagaworks.contracts.inventory.InventoryReply.class,
                com.sagaworks.contracts.payment.PaymentCommand.class,
                com.sagaworks.contracts.payment.PaymentReply.class,
                com.sagaworks.contracts.order.OrderCommand.class,
                com.sagaworks.contracts.order.OrderReply.class,
                com.sagaworks.contracts.order.OrderEvent.class)) {
            for (Class<?> permitted : root.getPermittedSubclasses()) {
                assertThat(MessageCatalog.byClass(permitted).typeName()).isEqualTo(permitted.getSimpleName());
            }
        }
        assertThat(MessageCatalog.entries()).hasSize(18);
    }

    @Test
    void sagaMessagesAreKeyedBySagaAndOrderEventsByOrder() {
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        var reserve = new ReserveStock(saga, order, List.of(new OrderLine("SKU-1", 2)));
        assertThat(MessageCatalog.of(reserve).keyOf(reserve)).isEqualTo(saga.toString());
        var placed = new OrderPlaced(order, new CustomerId("c-1"), List.of(new OrderLine("SKU-1", 1)), Instant.now());
        assertThat(MessageCatalog.of(placed).keyOf(placed)).isEqualTo(order.toString());
        assertThat(MessageCatalog.of(placed).topic()).isEqualTo(Topics.ORDER_EVENTS);
    }

    @Test
    void typedIdsSerializeAsPlainValuesAndRoundTrip() {
        SagaId saga = SagaId.random();
        var reserved = new StockReserved(saga, List.of(new PricedLine("SKU-1", 2, 1250)), 2500);
        String text = json.writeValueAsString(reserved);
        assertThat(text).contains("\"sagaId\":\"" + saga + "\"");
        assertThat(json.readValue(text, StockReserved.class)).isEqualTo(reserved);
    }

    @Test
    void rejectsNonPositiveQuantities() {
        assertThatThrownBy(() -> new OrderLine("SKU-1", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
