package com.sagaworks.system;

import com.sagaworks.system.Api.Line;
import com.sagaworks.system.Api.OrderView;
import com.sagaworks.system.Api.Placement;
import com.sagaworks.system.SagaworksSystem.Customer;
import com.sagaworks.system.SagaworksSystem.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static com.sagaworks.system.SagaworksSystem.newIdempotencyKey;
import static org.assertj.core.api.Assertions.assertThat;

/** A client that retries (a timeout, a double click) gets one order per Idempotency-Key, and one saga. */
@ExtendWith(SystemUnderTest.class)
class IdempotentPlacementIT {

    private final SagaworksSystem system;
    private final Api api;

    IdempotentPlacementIT(SagaworksSystem system) {
        this.system = system;
        this.api = system.api();
    }

    @Test
    void theSameRequestPostedTwiceMakesOneOrderAndOneSaga() {
        Product product = system.newProduct(700, 10);
        Customer customer = system.newCustomer(100_000);
        String key = newIdempotencyKey();

        Placement first = api.placeOrder(key, customer.id(), new Line(product.sku(), 2));
        Placement retry = api.placeOrder(key, customer.id(), new Line(product.sku(), 2));

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(retry.status()).as(retry.body()).isEqualTo(202);
        assertThat(retry.orderId()).isEqualTo(first.orderId());
        OrderView order = system.awaitOrderOutcome(first.orderId());
        system.awaitSagaEnd(first.orderId());
        assertThat(order.status()).isEqualTo("CONFIRMED");
        assertOneOrderAndOneSaga(key, first.orderId());
        assertThat(api.product(product.sku()).available()).as("units taken once").isEqualTo(8);
        assertThat(api.account(customer.id()).balanceCents()).as("charged once").isEqualTo(100_000 - 2 * 700);
        system.invariants().assertStockConserved(product);
        system.invariants().assertMoneyConserved(customer);
    }

    @Test
    void concurrentRetriesWithOneKeyAllGetTheSameSingleOrder() throws Exception {
        Product product = system.newProduct(700, 10);
        Customer customer = system.newCustomer(100_000);
        String key = newIdempotencyKey();
        int retries = 5;

        List<Placement> placements = new ArrayList<>();
        CountDownLatch gate = new CountDownLatch(1);
        try (ExecutorService clients = Executors.newFixedThreadPool(retries)) {
            List<Future<Placement>> futures = new ArrayList<>();
            for (int i = 0; i < retries; i++) {
                futures.add(clients.submit(() -> {
                    gate.await();
                    return api.placeOrder(key, customer.id(), new Line(product.sku(), 1));
                }));
            }
            gate.countDown();
            for (Future<Placement> future : futures) {
                placements.add(future.get(30, TimeUnit.SECONDS));
            }
        }

        assertThat(placements).allSatisfy(placement ->
                assertThat(placement.status()).as(placement.body()).isEqualTo(202));
        assertThat(placements).extracting(Placement::orderId).containsOnly(placements.getFirst().orderId());
        UUID orderId = placements.getFirst().orderId();
        assertThat(system.awaitOrderOutcome(orderId).status()).isEqualTo("CONFIRMED");
        system.awaitSagaEnd(orderId);
        assertOneOrderAndOneSaga(key, orderId);
        assertThat(api.product(product.sku()).available()).as("units taken once").isEqualTo(9);
        system.invariants().assertStockConserved(product);
        system.invariants().assertMoneyConserved(customer);
    }

    @Test
    void reusingAKeyForADifferentOrderIsRefusedWithAProblemDetail() {
        Product product = system.newProduct(700, 10);
        Customer customer = system.newCustomer(100_000);
        String key = newIdempotencyKey();
        Placement first = api.placeOrder(key, customer.id(), new Line(product.sku(), 1));

        Placement different = api.placeOrder(key, customer.id(), new Line(product.sku(), 3));

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(different.status()).as(different.body()).isEqualTo(422);
        assertThat(different.contentType()).startsWith("application/problem+json");
        system.awaitOrderOutcome(first.orderId());
        system.awaitSagaEnd(first.orderId());
        assertOneOrderAndOneSaga(key, first.orderId());
        assertThat(api.product(product.sku()).available()).as("only the first order's unit taken").isEqualTo(9);
    }

    private void assertOneOrderAndOneSaga(String key, UUID orderId) {
        system.invariants().awaitQuiet();
        assertThat(system.db().ordersWithIdempotencyKey(key)).as("orders with Idempotency-Key " + key).isEqualTo(1);
        assertThat(api.sagasOfOrder(orderId)).as("sagas of order " + orderId).hasSize(1);
    }
}
