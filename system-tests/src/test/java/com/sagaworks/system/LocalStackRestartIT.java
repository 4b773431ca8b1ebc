package com.sagaworks.system;

import com.sagaworks.system.Api.Line;
import com.sagaworks.system.Api.OrderView;
import com.sagaworks.system.Api.Placement;
import com.sagaworks.system.Api.SagaSummary;
import com.sagaworks.system.SagaworksSystem.Customer;
import com.sagaworks.system.SagaworksSystem.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.sagaworks.system.SagaworksSystem.newIdempotencyKey;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local stack keeps its state in its data directory: after a stop and a start, orders and sagas are still
 * there, and the broker (topics, committed offsets) carries on where it stopped.
 */
@ExtendWith(SystemUnderTest.class)
class LocalStackRestartIT {

    private final SagaworksSystem system;
    private final Api api;

    LocalStackRestartIT(SagaworksSystem system) {
        this.system = system;
        this.api = system.api();
    }

    @Test
    void ordersAndSagasSurviveARestartAndNewOrdersStillComplete() {
        Product product = system.newProduct(450, 10);
        Customer customer = system.newCustomer(100_000);
        Placement before = api.placeOrder(newIdempotencyKey(), customer.id(), new Line(product.sku(), 1));
        assertThat(before.status()).as(before.body()).isEqualTo(202);
        OrderView confirmed = system.awaitOrderOutcome(before.orderId());
        system.awaitSagaEnd(before.orderId());
        system.invariants().awaitQuiet();

        system.restart();

        assertThat(api.order(before.orderId())).isEqualTo(confirmed);
        assertThat(api.sagasOfOrder(before.orderId())).singleElement()
                .extracting(SagaSummary::status).isEqualTo("COMPLETED");
        Placement after = api.placeOrder(newIdempotencyKey(), customer.id(), new Line(product.sku(), 1));
        assertThat(after.status()).as(after.body()).isEqualTo(202);
        assertThat(system.awaitOrderOutcome(after.orderId()).status()).isEqualTo("CONFIRMED");
        system.awaitSagaEnd(after.orderId());
        assertThat(api.product(product.sku()).available()).isEqualTo(8);
        assertThat(api.account(customer.id()).balanceCents()).isEqualTo(100_000 - 2 * 450);
        system.invariants().awaitQuiet();
        system.invariants().assertStockConserved(product);
        system.invariants().assertMoneyConserved(customer);
    }
}
