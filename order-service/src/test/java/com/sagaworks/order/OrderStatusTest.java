package com.sagaworks.order;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrderStatusTest {

    @Test
    void aPendingOrderCanBeConfirmedOrCancelled() {
        assertThat(OrderStatus.PENDING.next()).containsExactlyInAnyOrder(OrderStatus.CONFIRMED, OrderStatus.CANCELLED);
        assertThat(OrderStatus.PENDING.isFinal()).isFalse();
    }

    @Test
    void confirmedAndCancelledAreFinal() {
        assertThat(OrderStatus.CONFIRMED.next()).isEmpty();
        assertThat(OrderStatus.CANCELLED.next()).isEmpty();
        assertThat(OrderStatus.CONFIRMED.isFinal()).isTrue();
        assertThat(OrderStatus.CANCELLED.isFinal()).isTrue();
    }

    @Test
    void noStatusMovesToItself() {
        for (OrderStatus status : OrderStatus.values()) {
            assertThat(status.canMoveTo(status)).as(status.name()).isFalse();
        }
    }

    @Test
    void refusesAnIllegalMove() {
        assertThatIllegalStateException().isThrownBy(() -> OrderStatus.CANCELLED.requireMoveTo(OrderStatus.CONFIRMED))
                .withMessageContaining("CANCELLED").withMessageContaining("CONFIRMED");
        assertThatIllegalStateException().isThrownBy(() -> OrderStatus.CONFIRMED.requireMoveTo(OrderStatus.PENDING));
    }

    @Test
    void theTransitionTableCannotBeChangedFromOutside() {
        assertThatThrownBy(() -> OrderStatus.PENDING.next().add(OrderStatus.PENDING))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
