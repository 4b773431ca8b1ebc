package com.sagaworks.system.chaos;

import com.sagaworks.system.Api.Line;
import com.sagaworks.system.Db;
import com.sagaworks.system.Invariants;
import com.sagaworks.system.Invariants.Violation;
import com.sagaworks.system.SagaworksSystem;
import com.sagaworks.system.SagaworksSystem.Customer;
import com.sagaworks.system.SagaworksSystem.Product;
import org.awaitility.core.ConditionTimeoutException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One chaos run: seed the run's products and customers, place orders at a steady rate while the fault schedule
 * runs, wait until the system has settled, check every invariant, and report. The seed decides the data, the
 * orders and the schedule; it is printed first, and {@code -Dchaos.seed=} runs the same plan again.
 */
public final class ChaosRun {

    private static final int REGULAR_PRODUCTS = 10;
    private static final int RICH_CUSTOMERS = 20;
    private static final int POOR_CUSTOMERS = 5;
    /** Enough for any order of the run: a decline only comes from the poor customers. */
    private static final long RICH_BALANCE_CENTS = 10_000_000_000L;
    /** Less than any product costs. */
    private static final long POOR_BALANCE_CENTS = 50;
    /** Settled means settled for this long: a message between two services shows nowhere for an instant. */
    private static final Duration SETTLED_FOR = Duration.ofSeconds(3);

    private final SagaworksSystem system;
    private final ChaosPlan plan;
    private final long seed;
    private final PrintStream out;

    public ChaosRun(SagaworksSystem system, ChaosPlan plan, long seed, PrintStream out) {
        this.system = system;
        this.plan = plan;
        this.seed = seed;
        this.out = out;
    }

    /** The seed from {@code -Dchaos.seed}, or a new one. */
    public static long seedFromProperty() {
        String configured = System.getProperty("chaos.seed");
        return configured == null || configured.isBlank() ? ThreadLocalRandom.current().nextLong()
                : Long.parseLong(configured.trim());
    }

    public ChaosReport run() {
        out.printf("chaos: run %s with seed %d (repeat it with -Dchaos.seed=%d)%n", plan.name(), seed, seed);
        Random random = new Random(seed);
        List<Product> regular = new ArrayList<>();
        for (int i = 0; i < REGULAR_PRODUCTS; i++) {
            regular.add(system.newProduct(100 + random.nextInt(1_900), plan.orders() * 2));
        }
        Product scarce = system.newProduct(100 + random.nextInt(1_900),
                Math.max(5, (int) (plan.orders() * plan.scarceShare())));
        List<Customer> rich = new ArrayList<>();
        for (int i = 0; i < RICH_CUSTOMERS; i++) {
            rich.add(system.newCustomer(RICH_BALANCE_CENTS));
        }
        List<Customer> poor = new ArrayList<>();
        for (int i = 0; i < POOR_CUSTOMERS; i++) {
            poor.add(system.newCustomer(POOR_BALANCE_CENTS));
        }
        List<LoadGenerator.PlannedOrder> orders = planOrders(random, regular, scarce, rich, poor);
        FaultSchedule schedule = FaultSchedule.of(plan, random.nextLong());
        out.printf("chaos: %d orders at %.1f/s (%d s), %d faults%n", plan.orders(), plan.ordersPerSecond(),
                plan.loadDuration().toSeconds(), schedule.faults().size());
        schedule.faults().forEach(planned -> out.printf("chaos:   at %4d s  %s%n", planned.at().toSeconds(),
                planned.fault().describe()));

        ScheduledExecutorService loadScheduler = Executors.newScheduledThreadPool(2);
        ScheduledExecutorService faultScheduler = Executors.newSingleThreadScheduledExecutor();
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        try {
            LoadGenerator load = new LoadGenerator(system.api(), loadScheduler, requests, plan.orderDeadline(), out);
            FaultInjector injector = new FaultInjector(system.stack(), system.broker(), system.db(), faultScheduler,
                    seed, out);
            long start = System.nanoTime();
            var placing = load.run(orders, plan.ordersPerSecond());
            var faulting = injector.run(schedule, start);
            List<FaultInjector.Injected> injected = faulting.get();
            List<LoadGenerator.Outcome> outcomes = placing.get();
            Duration active = Duration.ofNanos(System.nanoTime() - start);
            out.printf("chaos: load and faults over after %d s; waiting for the system to settle%n",
                    active.toSeconds());

            Invariants invariants = system.invariants();
            Duration drain;
            String unsettled = null;
            try {
                drain = invariants.awaitSettled(plan.settleTimeout(), SETTLED_FOR);
            } catch (ConditionTimeoutException e) {
                drain = plan.settleTimeout();
                unsettled = e.getMessage();
            }
            Set<UUID> accepted = new HashSet<>();
            outcomes.stream().filter(LoadGenerator.Outcome::accepted).forEach(o -> accepted.add(o.orderId()));
            List<Product> products = new ArrayList<>(regular);
            products.add(scarce);
            List<Customer> customers = new ArrayList<>(rich);
            customers.addAll(poor);
            List<Violation> violations = new ArrayList<>(
                    invariants.violations(new Invariants.Scope(products, customers, accepted)));
            if (unsettled != null) {
                violations.addFirst(new Violation("settled within " + plan.settleTimeout().toSeconds() + " s",
                        "system", unsettled + "; still in flight: " + invariants.inFlight()));
            }
            Set<String> runCustomers = new HashSet<>();
            customers.forEach(customer -> runCustomers.add(customer.id()));
            Db db = system.db();
            Set<String> runOrders = new HashSet<>();
            db.orders().stream().filter(order -> runCustomers.contains(order.customerId()))
                    .forEach(order -> runOrders.add(order.orderId().toString()));
            List<Db.SagaRow> sagas = db.sagas().stream().filter(saga -> runOrders.contains(saga.businessKey()))
                    .toList();
            return new ChaosReport(plan, seed, outcomes, load.retries(), sagas, injected, active, drain, violations);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the chaos run failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the chaos run", e);
        } finally {
            loadScheduler.shutdownNow();
            faultScheduler.shutdownNow();
            requests.shutdownNow();
        }
    }

    private List<LoadGenerator.PlannedOrder> planOrders(Random random, List<Product> regular, Product scarce,
                                                        List<Customer> rich, List<Customer> poor) {
        List<LoadGenerator.PlannedOrder> orders = new ArrayList<>();
        for (int i = 0; i < plan.orders(); i++) {
            Customer customer = random.nextDouble() < plan.declineShare()
                    ? poor.get(random.nextInt(poor.size()))
                    : rich.get(random.nextInt(rich.size()));
            List<Line> lines = new ArrayList<>();
            if (random.nextDouble() < plan.scarceShare()) {
                lines.add(new Line(scarce.sku(), 1 + random.nextInt(3)));
            } else {
                int first = random.nextInt(regular.size());
                lines.add(new Line(regular.get(first).sku(), 1 + random.nextInt(3)));
                if (random.nextBoolean()) {
                    int second = (first + 1 + random.nextInt(regular.size() - 1)) % regular.size();
                    lines.add(new Line(regular.get(second).sku(), 1 + random.nextInt(3)));
                }
            }
            orders.add(new LoadGenerator.PlannedOrder("chaos-" + plan.name() + "-" + seed + "-" + i, customer.id(),
                    List.copyOf(lines)));
        }
        return orders;
    }
}
