package com.sagaworks.system.chaos;

import com.sagaworks.stack.Service;
import com.sagaworks.system.Api.Line;
import com.sagaworks.system.Db;
import com.sagaworks.system.FakePaymentProvider;
import com.sagaworks.system.Invariants;
import com.sagaworks.system.Invariants.Violation;
import com.sagaworks.system.SagaworksSystem;
import com.sagaworks.system.SagaworksSystem.Customer;
import com.sagaworks.system.SagaworksSystem.Product;
import org.awaitility.core.ConditionTimeoutException;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
    private static final List<String> INVENTORY_REPLIES = List.of("StockReserved", "StockRejected",
            "StockReleased");
    private static final List<String> PAYMENT_REPLIES = List.of("PaymentCharged", "PaymentDeclined",
            "PaymentRefunded");
    private static final List<String> ALL_REPLIES = List.of("StockReserved", "StockRejected", "StockReleased",
            "PaymentCharged", "PaymentDeclined", "PaymentRefunded", "OrderApproved", "OrderApprovalRefused",
            "OrderCancellationRecorded");
    /** How long after a resume the stopped participant's late replies are looked for. */
    private static final Duration AFTER_RESUME = Duration.ofMinutes(2);
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
        // two of it are above the approval limit: such an order is charged, refused approval and refunded
        Product premium = system.newProduct(SagaworksSystem.APPROVAL_LIMIT_CENTS / 2 + 10_000
                + random.nextInt(40_000), plan.orders() * 2);
        List<Customer> rich = new ArrayList<>();
        for (int i = 0; i < RICH_CUSTOMERS; i++) {
            rich.add(system.newCustomer(RICH_BALANCE_CENTS));
        }
        List<Customer> poor = new ArrayList<>();
        for (int i = 0; i < POOR_CUSTOMERS; i++) {
            poor.add(system.newCustomer(POOR_BALANCE_CENTS));
        }
        PlannedLoad orders = planOrders(random, regular, scarce, premium, rich, poor);
        FaultSchedule schedule = FaultSchedule.of(plan, random.nextLong());
        out.printf("chaos: %d orders, %d at %.1f/s (%d s) and %d placed by faults, %d faults%n", plan.orders(),
                orders.steady().size(), plan.ordersPerSecond(), plan.loadDuration().toSeconds(),
                plan.faultOrders(), schedule.faults().size());
        schedule.faults().forEach(planned -> out.printf("chaos:   at %4d s  %s%n", planned.at().toSeconds(),
                planned.fault().describe()));

        ScheduledExecutorService loadScheduler = Executors.newScheduledThreadPool(2);
        ScheduledExecutorService faultScheduler = Executors.newSingleThreadScheduledExecutor();
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        FaultInjector injector = null;
        try {
            LoadGenerator load = new LoadGenerator(system.api(), loadScheduler, requests, plan.orderDeadline(), out);
            injector = new FaultInjector(system.stack(), system.broker(), system.db(), system.paymentProvider(),
                    system.api(), load,
                    orders.overLimit(), orders.duringPauses(), faultScheduler, seed, out);
            Instant startedAt = Instant.now();
            long start = System.nanoTime();
            var placing = load.run(orders.steady(), plan.ordersPerSecond());
            var faulting = injector.run(schedule, start);
            List<FaultInjector.Injected> injected = faulting.get();
            List<LoadGenerator.Outcome> outcomes = new ArrayList<>(placing.get());
            outcomes.addAll(injector.placedOutcomes().get());
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
            products.add(premium);
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
            // no fault of the plan leaves a saga uncompensatable on purpose: a FAILED saga is a finding
            sagas.stream().filter(saga -> saga.status().equals("FAILED")).forEach(saga -> violations.add(
                    new Violation("no saga FAILED", saga.sagaId().toString(), saga.failureReason())));
            Instant endedAt = Instant.now();
            Set<UUID> refunded = system.paymentProvider().refundedSagas();
            Map<UUID, String> statusOfSaga = new HashMap<>();
            sagas.forEach(saga -> statusOfSaga.put(saga.sagaId(), saga.status()));
            Set<UUID> refusedSagas = new HashSet<>();
            for (FakePaymentProvider.RefundOutage outage : injector.refundOutages()) {
                for (UUID saga : outage.sagas()) {
                    refusedSagas.add(saga);
                    if (!refunded.contains(saga) || !"COMPENSATED".equals(statusOfSaga.get(saga))) {
                        violations.add(new Violation("refund refused in an outage is made later, saga COMPENSATED",
                                saga.toString(), "refunded at the provider: " + refunded.contains(saga)
                                + ", saga " + statusOfSaga.get(saga)));
                    }
                }
            }
            List<FaultInjector.Injected> described = describeEffects(injected, endedAt,
                    injector.refundOutages(), injector.pauses(), refunded);
            ChaosReport.FaultEffects effects = new ChaosReport.FaultEffects(
                    injector.refundOutages().stream().mapToLong(o -> o.refused().size()).sum(),
                    refusedSagas.size(), refusedSagas.stream().filter(refunded::contains).count(),
                    db.deadlinesAndIgnoredReplies(startedAt, endedAt, ALL_REPLIES));
            return new ChaosReport(plan, seed, outcomes, load.retries(), sagas, described, active, drain, effects,
                    violations);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the chaos run failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the chaos run", e);
        } finally {
            loadScheduler.shutdownNow();
            faultScheduler.shutdownNow();
            requests.shutdownNow();
            // a participant still stopped or a refund outage still on when the run failed must not outlive it
            if (injector != null) {
                injector.restore();
            }
        }
    }

    /**
     * Adds to each refund outage how many of the sagas it refused were refunded later, and to each pause what the
     * orchestrator saw from its start until two minutes after the resume: re-sends, give-ups, and the participant's
     * replies it ignored (late, or a replayed duplicate), also while the saga was already compensating. (A fault
     * right after it may add to the re-sends; the replies counted are the stopped participant's only.)
     */
    private List<FaultInjector.Injected> describeEffects(List<FaultInjector.Injected> injected, Instant endedAt,
                                                         List<FakePaymentProvider.RefundOutage> outages,
                                                         List<FaultInjector.Pause> pauses, Set<UUID> refunded) {
        List<FaultInjector.Injected> described = new ArrayList<>();
        int outage = 0;
        int pause = 0;
        for (int i = 0; i < injected.size(); i++) {
            FaultInjector.Injected fault = injected.get(i);
            String observed = fault.observed();
            if (fault.fault() instanceof Fault.RefundOutage && outage < outages.size()) {
                Set<UUID> refused = outages.get(outage++).sagas();
                observed += "; " + refused.stream().filter(refunded::contains).count() + " of those "
                        + refused.size() + " sagas refunded after it";
            } else if (fault.fault() instanceof Fault.SlowParticipant slow && pause < pauses.size()) {
                FaultInjector.Pause stopped = pauses.get(pause++);
                Instant until = stopped.resumed().plus(AFTER_RESUME).isBefore(endedAt)
                        ? stopped.resumed().plus(AFTER_RESUME) : endedAt;
                Db.DeadlineEffects seen = system.db().deadlinesAndIgnoredReplies(stopped.from(), until,
                        slow.service() == Service.INVENTORY ? INVENTORY_REPLIES : PAYMENT_REPLIES);
                observed = stopped.cancelled() + " orders cancelled while waiting; " + seen.resent()
                        + " commands re-sent on a deadline, " + seen.givenUp()
                        + " sagas gave up waiting and compensated; " + seen.repliesIgnored() + " late or replayed "
                        + slow.service().artifactId() + " replies ignored, " + seen.repliesIgnoredCompensating()
                        + " of them by sagas already compensating";
            }
            described.add(new FaultInjector.Injected(fault.at(), fault.fault(), fault.took(), observed));
        }
        return described;
    }

    /** The orders of a run: placed steadily, and held back for the faults that place their own. */
    private record PlannedLoad(List<LoadGenerator.PlannedOrder> steady, List<LoadGenerator.PlannedOrder> overLimit,
                               List<LoadGenerator.PlannedOrder> duringPauses) {
    }

    private PlannedLoad planOrders(Random random, List<Product> regular, Product scarce, Product premium,
                                   List<Customer> rich, List<Customer> poor) {
        String prefix = "chaos-" + plan.name() + "-" + seed + "-";
        List<LoadGenerator.PlannedOrder> steady = new ArrayList<>();
        for (int i = 0; i < plan.orders() - plan.faultOrders(); i++) {
            Customer customer = random.nextDouble() < plan.declineShare()
                    ? poor.get(random.nextInt(poor.size()))
                    : rich.get(random.nextInt(rich.size()));
            List<Line> lines;
            double kind = random.nextDouble();
            if (kind < plan.scarceShare()) {
                lines = List.of(new Line(scarce.sku(), 1 + random.nextInt(3)));
            } else if (kind < plan.scarceShare() + plan.overLimitShare()) {
                lines = List.of(new Line(premium.sku(), 2));
            } else {
                lines = regularLines(random, regular);
            }
            steady.add(new LoadGenerator.PlannedOrder(prefix + i, customer.id(), lines));
        }
        List<LoadGenerator.PlannedOrder> overLimit = new ArrayList<>();
        for (int i = 0; i < plan.refundOutages() * plan.refundOrders(); i++) {
            overLimit.add(new LoadGenerator.PlannedOrder(prefix + "refund-" + i,
                    rich.get(random.nextInt(rich.size())).id(), List.of(new Line(premium.sku(), 2))));
        }
        List<LoadGenerator.PlannedOrder> duringPauses = new ArrayList<>();
        for (int i = 0; i < plan.slowParticipants() * plan.pauseOrders(); i++) {
            duringPauses.add(new LoadGenerator.PlannedOrder(prefix + "pause-" + i,
                    rich.get(random.nextInt(rich.size())).id(), regularLines(random, regular)));
        }
        return new PlannedLoad(steady, overLimit, duringPauses);
    }

    private static List<Line> regularLines(Random random, List<Product> regular) {
        List<Line> lines = new ArrayList<>();
        int first = random.nextInt(regular.size());
        lines.add(new Line(regular.get(first).sku(), 1 + random.nextInt(3)));
        if (random.nextBoolean()) {
            int second = (first + 1 + random.nextInt(regular.size() - 1)) % regular.size();
            lines.add(new Line(regular.get(second).sku(), 1 + random.nextInt(3)));
        }
        return List.copyOf(lines);
    }
}
