package com.sagaworks.system;

import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.system.Api.HistoryEntry;
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

/** The place-order saga end to end, one test per way it can end. */
@ExtendWith(SystemUnderTest.class)
class PlaceOrderSagaIT {

    private final SagaworksSystem system;
    private final Api api;

    PlaceOrderSagaIT(SagaworksSystem system) {
        this.system = system;
        this.api = system.api();
    }

    @Test
    void confirmsAnOrderAtCatalogPricesChargesTheCustomerAndTakesTheStock() {
        Product widget = system.newProduct(1_250, 10);
        Product gadget = system.newProduct(399, 5);
        Customer customer = system.newCustomer(100_000);
        long catalogTotal = 2 * 1_250 + 3 * 399;

        Placement placement = api.placeOrder(newIdempotencyKey(), customer.id(),
                new Line(widget.sku(), 2), new Line(gadget.sku(), 3));

        assertThat(placement.status()).as(placement.body()).isEqualTo(202);
        assertThat(placement.orderStatus()).isEqualTo("PENDING");
        OrderView order = system.awaitOrderOutcome(placement.orderId());
        SagaView saga = system.awaitSagaEnd(placement.orderId());
        assertThat(order.status()).isEqualTo("CONFIRMED");
        assertThat(order.reason()).isNull();
        assertThat(order.totalCents()).isEqualTo(catalogTotal);
        assertThat(saga.status()).isEqualTo("COMPLETED");
        assertThat(saga.history()).extracting(HistoryEntry::toStatus)
                .contains("COMPLETED")
                .doesNotContain("COMPENSATING", "COMPENSATED");
        assertThat(api.product(widget.sku()).available()).isEqualTo(8);
        assertThat(api.product(gadget.sku()).available()).isEqualTo(2);
        assertThat(api.account(customer.id()).balanceCents()).isEqualTo(100_000 - catalogTotal);

        assertInvariants(order, new Product[]{widget, gadget}, customer);
    }

    @Test
    void cancelsAnOrderForMoreThanTheStockWithoutReservingAnyLineOrCharging() {
        Product plenty = system.newProduct(800, 10);
        Product scarce = system.newProduct(1_500, 3);
        Customer customer = system.newCustomer(100_000);

        Placement placement = api.placeOrder(newIdempotencyKey(), customer.id(),
                new Line(plenty.sku(), 1), new Line(scarce.sku(), 5));

        assertThat(placement.status()).as(placement.body()).isEqualTo(202);
        OrderView order = system.awaitOrderOutcome(placement.orderId());
        SagaView saga = system.awaitSagaEnd(placement.orderId());
        assertThat(order.status()).isEqualTo("CANCELLED");
        assertThat(order.reason()).isEqualTo(CancellationReason.OUT_OF_STOCK.name());
        assertThat(saga.status()).isEqualTo("COMPENSATED");
        // all lines or none: the line that could have been served is not reserved either
        assertThat(api.product(plenty.sku()).available()).isEqualTo(10);
        assertThat(api.product(scarce.sku()).available()).isEqualTo(3);
        assertThat(system.db().chargedCents(order.orderId())).as("charged for the order").isZero();
        assertThat(api.account(customer.id()).balanceCents()).isEqualTo(100_000);

        assertInvariants(order, new Product[]{plenty, scarce}, customer);
    }

    @Test
    void releasesTheReservedStockWhenThePaymentIsDeclined() {
        Product product = system.newProduct(2_500, 4);
        Customer customer = system.newCustomer(1_000);

        Placement placement = api.placeOrder(newIdempotencyKey(), customer.id(), new Line(product.sku(), 1));

        assertThat(placement.status()).as(placement.body()).isEqualTo(202);
        OrderView order = system.awaitOrderOutcome(placement.orderId());
        SagaView saga = system.awaitSagaEnd(placement.orderId());
        assertThat(order.status()).isEqualTo("CANCELLED");
        assertThat(order.reason()).isEqualTo(CancellationReason.PAYMENT_DECLINED.name());
        assertThat(saga.status()).isEqualTo("COMPENSATED");
        assertThat(api.product(product.sku()).available()).isEqualTo(4);
        assertThat(system.db().reservationStatuses(order.orderId())).containsExactly("RELEASED");
        assertThat(system.db().chargedCents(order.orderId())).as("charged for the order").isZero();
        assertThat(api.account(customer.id()).balanceCents()).isEqualTo(1_000);

        assertInvariants(order, new Product[]{product}, customer);
    }

    @Test
    void refundsAndReleasesAnOrderAboveTheApprovalLimit() {
        Product product = system.newProduct(300_000, 5);
        Customer customer = system.newCustomer(1_000_000);
        long total = 2 * 300_000;
        assertThat(total).as("the order must exceed the approval limit")
                .isGreaterThan(SagaworksSystem.APPROVAL_LIMIT_CENTS);

        Placement placement = api.placeOrder(newIdempotencyKey(), customer.id(), new Line(product.sku(), 2));

        assertThat(placement.status()).as(placement.body()).isEqualTo(202);
        OrderView order = system.awaitOrderOutcome(placement.orderId());
        SagaView saga = system.awaitSagaEnd(placement.orderId());
        assertThat(order.status()).isEqualTo("CANCELLED");
        assertThat(order.reason()).isEqualTo(CancellationReason.APPROVAL_REFUSED.name());
        assertThat(saga.status()).isEqualTo("COMPENSATED");
        assertThat(system.db().chargedCents(order.orderId())).as("charged for the order").isEqualTo(total);
        assertThat(system.db().refundedCents(order.orderId())).as("refunded for the order").isEqualTo(total);
        assertThat(api.account(customer.id()).balanceCents()).isEqualTo(1_000_000);
        assertThat(system.db().reservationStatuses(order.orderId())).containsExactly("RELEASED");
        assertThat(api.product(product.sku()).available()).isEqualTo(5);

        assertInvariants(order, new Product[]{product}, customer);
    }

    private void assertInvariants(OrderView order, Product[] products, Customer customer) {
        Invariants invariants = system.invariants();
        invariants.awaitQuiet();
        assertThat(api.sagasOfOrder(order.orderId())).as("sagas of order %s", order.orderId()).hasSize(1);
        invariants.assertStockConserved(products);
        invariants.assertMoneyConserved(customer);
        invariants.assertEffectsMatchOutcome(order);
    }
}
