package com.sagaworks.order.placement;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.inventory.OrderLine;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestHashTest {

    private static PlaceOrder order(String customer, OrderLine... lines) {
        return new PlaceOrder(CustomerId.of(customer), List.of(lines));
    }

    @Test
    void isStableForTheSameRequest() {
        assertThat(RequestHash.of(order("alice", new OrderLine("A", 1))))
                .isEqualTo(RequestHash.of(order("alice", new OrderLine("A", 1))))
                .startsWith("v1:")
                .hasSize("v1:".length() + 64);
    }

    @Test
    void ignoresTheOrderOfLines() {
        assertThat(RequestHash.of(order("alice", new OrderLine("A", 1), new OrderLine("B", 2))))
                .isEqualTo(RequestHash.of(order("alice", new OrderLine("B", 2), new OrderLine("A", 1))));
    }

    @Test
    void differsForAnotherCustomerQuantityOrSku() {
        String original = RequestHash.of(order("alice", new OrderLine("A", 1)));

        assertThat(RequestHash.of(order("bob", new OrderLine("A", 1)))).isNotEqualTo(original);
        assertThat(RequestHash.of(order("alice", new OrderLine("A", 2)))).isNotEqualTo(original);
        assertThat(RequestHash.of(order("alice", new OrderLine("B", 1)))).isNotEqualTo(original);
        assertThat(RequestHash.of(order("alice", new OrderLine("A", 1), new OrderLine("B", 1)))).isNotEqualTo(original);
    }

    @Test
    void cannotBeFooledByMovingTextBetweenFields() {
        // Without length prefixes both would read "ab" + "c1"...
        assertThat(RequestHash.of(order("ab", new OrderLine("c", 1))))
                .isNotEqualTo(RequestHash.of(order("a", new OrderLine("bc", 1))));
        assertThat(RequestHash.of(order("a", new OrderLine("b", 11))))
                .isNotEqualTo(RequestHash.of(order("a", new OrderLine("b1", 1))));
    }
}
