package com.sagaworks.inventory.reservation;

import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.messaging.consumer.PermanentMessageException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestedLinesTest {

    @Test
    void ordersLinesBySkuForTheLockOrder() {
        assertThat(RequestedLines.of(List.of(new OrderLine("C", 1), new OrderLine("A", 2), new OrderLine("B", 3))))
                .containsExactly(
                        entry("A", 2), entry("B", 3), entry("C", 1));
    }

    @Test
    void sumsLinesOfTheSameSku() {
        assertThat(RequestedLines.of(List.of(new OrderLine("A", 2), new OrderLine("B", 1), new OrderLine("A", 3))))
                .containsExactly(entry("A", 5), entry("B", 1));
    }

    @Test
    void refusesACommandWithoutLines() {
        assertThatThrownBy(() -> RequestedLines.of(List.of()))
                .isInstanceOf(PermanentMessageException.class);
    }

    @Test
    void refusesQuantitiesThatOverflow() {
        assertThatThrownBy(() -> RequestedLines.of(
                List.of(new OrderLine("A", Integer.MAX_VALUE), new OrderLine("A", 1))))
                .isInstanceOf(PermanentMessageException.class)
                .hasMessageContaining("overflows");
    }
}
