package com.sagaworks.order.placement;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.inventory.OrderLine;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PlaceOrderTest {

    private static final CustomerId ALICE = CustomerId.of("alice");

    @Test
    void refusesAnOrderWithoutLines() {
        assertThatIllegalArgumentException().isThrownBy(() -> new PlaceOrder(ALICE, List.of()));
    }

    @Test
    void refusesMoreThanFiftyLines() {
        List<OrderLine> lines = IntStream.rangeClosed(1, 51).mapToObj(i -> new OrderLine("SKU-" + i, 1)).toList();

        assertThatIllegalArgumentException().isThrownBy(() -> new PlaceOrder(ALICE, lines));
        assertThat(new PlaceOrder(ALICE, lines.subList(0, 50)).lines()).hasSize(50);
    }

    @Test
    void refusesTheSameSkuOnTwoLines() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PlaceOrder(ALICE, List.of(new OrderLine("A", 1), new OrderLine("A", 2))))
                .withMessageContaining("A");
    }
}
