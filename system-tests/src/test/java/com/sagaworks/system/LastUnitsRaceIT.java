package com.sagaworks.system;

import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.system.Api.Line;
import com.sagaworks.system.Api.OrderView;
import com.sagaworks.system.Api.Placement;
import com.sagaworks.system.SagaworksSystem.Customer;
import com.sagaworks.system.SagaworksSystem.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static com.sagaworks.system.SagaworksSystem.newIdempotencyKey;
import static org.assertj.core.api.Assertions.assertThat;

/** Many clients, few units: inventory must never oversell, and every loser must get its money back. */
@ExtendWith(SystemUnderTest.class)
class LastUnitsRaceIT {

    private static final int UNITS = 5;
    private static final int CLIENTS = 20;

    private final SagaworksSystem system;
    private final Api api;

    LastUnitsRaceIT(SagaworksSystem system) {
        this.system = system;
        this.api = system.api();
    }

    @Test
    void twentyClientsRacingForFiveUnitsGetExactlyFiveOrdersAndNeverOversell() throws Exception {
        Product lastUnits = system.newProduct(1_000, UNITS);
        List<Customer> customers = IntStream.range(0, CLIENTS).mapToObj(i -> system.newCustomer(50_000)).toList();

        List<Placement> placements;
        try (AvailabilityWatch watch = new AvailabilityWatch(lastUnits.sku())) {
            placements = placeAllAtOnce(lastUnits, customers);
            assertThat(placements).allSatisfy(placement ->
                    assertThat(placement.status()).as(placement.body()).isEqualTo(202));
            List<OrderView> outcomes = placements.stream()
                    .map(placement -> system.awaitOrderOutcome(placement.orderId()))
                    .toList();
            placements.forEach(placement -> system.awaitSagaEnd(placement.orderId()));

            assertThat(outcomes).filteredOn(order -> order.status().equals("CONFIRMED")).hasSize(UNITS);
            assertThat(outcomes).filteredOn(order -> order.status().equals("CANCELLED"))
                    .hasSize(CLIENTS - UNITS)
                    .allSatisfy(order -> assertThat(order.reason()).isEqualTo(CancellationReason.OUT_OF_STOCK.name()));
            assertThat(api.product(lastUnits.sku()).available()).isZero();
            assertThat(watch.lowest()).as("lowest availability seen during the race").isZero();

            Invariants invariants = system.invariants();
            invariants.awaitQuiet();
            invariants.assertStockConserved(lastUnits);
            invariants.assertMoneyConserved(customers.toArray(Customer[]::new));
            outcomes.forEach(invariants::assertEffectsMatchOutcome);
        }
    }

    /** Every client waits at one gate, so that the requests reach order-service together. */
    private List<Placement> placeAllAtOnce(Product product, List<Customer> customers)
            throws InterruptedException, ExecutionException {
        CountDownLatch gate = new CountDownLatch(1);
        try (ExecutorService clients = Executors.newFixedThreadPool(customers.size())) {
            List<Future<Placement>> futures = new ArrayList<>();
            for (Customer customer : customers) {
                futures.add(clients.submit(() -> {
                    gate.await();
                    return api.placeOrder(newIdempotencyKey(), customer.id(), new Line(product.sku(), 1));
                }));
            }
            gate.countDown();
            List<Placement> placements = new ArrayList<>();
            for (Future<Placement> future : futures) {
                placements.add(future.get(30, TimeUnit.SECONDS));
            }
            return placements;
        } catch (TimeoutException e) {
            throw new AssertionError("a client got no answer from POST /orders within 30 s", e);
        }
    }

    /**
     * Reads the product's availability from the database every few milliseconds while the race runs and keeps
     * the lowest value seen, so that a moment of overselling (were the CHECK constraint ever dropped) shows.
     */
    private final class AvailabilityWatch implements AutoCloseable {

        private final AtomicInteger lowest = new AtomicInteger(Integer.MAX_VALUE);
        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        private final ScheduledFuture<?> sampling;

        AvailabilityWatch(String sku) {
            sampling = scheduler.scheduleWithFixedDelay(
                    () -> lowest.accumulateAndGet(system.db().available(sku), Math::min), 0, 10, TimeUnit.MILLISECONDS);
        }

        int lowest() {
            return lowest.get();
        }

        /** Stops sampling; a sampling that failed (the task ends with its exception) fails the test. */
        @Override
        public void close() throws InterruptedException, ExecutionException {
            if (sampling.isDone()) {
                sampling.get();
            }
            sampling.cancel(false);
            scheduler.shutdown();
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the availability watch did not stop");
            }
        }
    }
}
