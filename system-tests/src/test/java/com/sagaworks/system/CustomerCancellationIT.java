package com.sagaworks.system;

import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.system.Api.Line;
import com.sagaworks.system.Api.OrderView;
import com.sagaworks.system.Api.Placement;
import com.sagaworks.system.Api.SagaView;
import com.sagaworks.system.SagaworksSystem.Customer;
import com.sagaworks.system.SagaworksSystem.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static com.sagaworks.system.SagaworksSystem.newIdempotencyKey;
import static org.assertj.core.api.Assertions.assertThat;

/** A customer cancels while the saga runs: whatever was reserved or charged is given back. */
@ExtendWith(SystemUnderTest.class)
class CustomerCancellationIT {

    private final SagaworksSystem system;
    private final Api api;

    CustomerCancellationIT(SagaworksSystem system) {
        this.system = system;
        this.api = system.api();
    }

    @Test
    void cancellingARunningOrderCompensatesEverythingTheSagaDid() {
        Product product = system.newProduct(4_000, 6);
        Customer customer = system.newCustomer(50_000);

        Placement placement = api.placeOrder(newIdempotencyKey(), customer.id(), new Line(product.sku(), 2));
        assertThat(placement.status()).as(placement.body()).isEqualTo(202);
        int cancel = api.cancelOrder(placement.orderId());

        OrderView order = system.awaitOrderOutcome(placement.orderId());
        SagaView saga = system.awaitSagaEnd(placement.orderId());
        if (cancel == 409) {
            // the whole saga finished between the two requests: a confirmed order is not cancelled
            assertThat(order.status()).isEqualTo("CONFIRMED");
            assertThat(saga.status()).isEqualTo("COMPLETED");
        } else {
            assertThat(cancel).isEqualTo(200);
            assertThat(order.status()).isEqualTo("CANCELLED");
            assertThat(order.reason()).isEqualTo(CancellationReason.CANCELLED_BY_CUSTOMER.name());
            assertThat(saga.status()).isEqualTo("COMPENSATED");
            assertThat(api.product(product.sku()).available()).isEqualTo(6);
            assertThat(api.account(customer.id()).balanceCents()).isEqualTo(50_000);
            assertThat(system.db().chargedCents(order.orderId()) - system.db().refundedCents(order.orderId()))
                    .as("net charge of a cancelled order").isZero();
        }

        Invariants invariants = system.invariants();
        invariants.awaitQuiet();
        invariants.assertStockConserved(new Product[]{product});
        invariants.assertMoneyConserved(customer);
        invariants.assertEffectsMatchOutcome(order);
    }
}
