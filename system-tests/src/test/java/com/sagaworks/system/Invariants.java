package com.sagaworks.system;

import com.sagaworks.stack.Service;
import com.sagaworks.system.Api.OrderView;
import com.sagaworks.system.SagaworksSystem.Customer;
import com.sagaworks.system.SagaworksSystem.Product;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The brief's invariants, checked against what the services actually stored. Every test ends with them: an
 * outcome that looks right through the API but leaves stock, money or messages behind is a failure.
 */
public final class Invariants {

    private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(60);

    private final Db db;
    private final Api api;
    private final Broker broker;

    Invariants(Db db, Api api, Broker broker) {
        this.db = db;
        this.api = api;
        this.broker = broker;
    }

    /**
     * Waits until nothing is in flight (every outbox empty, every consumer group caught up, and both for a
     * while: a message between two services shows in neither for an instant), then checks that no message was
     * dead-lettered on the way.
     */
    public void awaitQuiet() {
        await("every outbox empty and every consumer group caught up")
                .atMost(QUIET_TIMEOUT)
                .during(Duration.ofMillis(600))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    Map<Service, Long> outboxes = new EnumMap<>(Service.class);
                    for (Service service : Service.values()) {
                        outboxes.put(service, db.outboxRows(service));
                    }
                    assertThat(outboxes).as("rows left in each service's messaging_outbox")
                            .allSatisfy((service, rows) -> assertThat(rows).as(service.artifactId()).isZero());
                    assertThat(broker.lagByGroup()).as("unconsumed messages per consumer group")
                            .allSatisfy((group, lag) -> assertThat(lag).as(group).isZero());
                });
        assertThat(broker.deadLetters()).as("records in dead-letter topics").isEmpty();
    }

    /**
     * Waits until the whole system is settled: every outbox empty, every consumer group caught up, no saga
     * waiting (RUNNING or COMPENSATING, perhaps on a deadline that re-sends a command) and no order PENDING, all
     * of it for {@code during} on end. Returns how long that took.
     *
     * @throws org.awaitility.core.ConditionTimeoutException with what was still in flight at the deadline
     */
    public Duration awaitSettled(Duration timeout, Duration during) {
        long start = System.nanoTime();
        await("every outbox empty, every consumer group caught up, every saga ended, no order pending")
                .atMost(timeout)
                .during(during)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsMatching(Invariants::unreachable)
                .untilAsserted(() -> assertThat(inFlight()).as("still in flight").isEmpty());
        return Duration.ofNanos(System.nanoTime() - start).minus(during);
    }

    /** What is still moving, by where it is (an empty map when nothing is). */
    public Map<String, Long> inFlight() {
        Map<String, Long> moving = new TreeMap<>();
        for (Service service : Service.values()) {
            long rows = db.outboxRows(service);
            if (rows > 0) {
                moving.put("outbox " + service.artifactId(), rows);
            }
        }
        broker.lagByGroup().forEach((group, lag) -> {
            if (lag > 0) {
                moving.put("lag " + group, lag);
            }
        });
        long waiting = db.waitingSagas();
        if (waiting > 0) {
            moving.put("sagas waiting", waiting);
        }
        long pending = db.pendingOrders();
        if (pending > 0) {
            moving.put("orders pending", pending);
        }
        return moving;
    }

    /** A database or the broker still recovering from a fault: the settle wait polls again. */
    private static boolean unreachable(Throwable error) {
        return error instanceof IllegalStateException;
    }

    /** One broken invariant and the id that breaks it, for a report that names the offenders. */
    public record Violation(String invariant, String id, String detail) {
    }

    /**
     * What a run owns: its products (with their initial stock), its customers (with their initial balance) and
     * the orders its clients saw accepted. Sagas, orders and outboxes are checked system-wide.
     */
    public record Scope(Collection<Product> products, Collection<Customer> customers, Set<UUID> acceptedOrders) {
    }

    /**
     * Every invariant of the brief, checked against the four databases and the broker, collected instead of
     * asserted one by one, so that a run reports all offenders at once.
     */
    public List<Violation> violations(Scope scope) {
        List<Violation> violations = new ArrayList<>();
        List<Db.SagaRow> sagas = db.sagas();
        List<Db.OrderRow> orders = db.orders();
        Map<UUID, List<String>> reservations = db.reservationStatusesByOrder();
        Map<UUID, Db.LedgerOfOrder> ledger = db.ledgerByOrder();
        Set<String> customers = scope.customers().stream().map(Customer::id).collect(Collectors.toSet());

        Map<String, List<Db.SagaRow>> sagasByOrder = new HashMap<>();
        for (Db.SagaRow saga : sagas) {
            sagasByOrder.computeIfAbsent(saga.businessKey(), key -> new ArrayList<>()).add(saga);
            boolean ended = saga.status().equals("COMPLETED") || saga.status().equals("COMPENSATED")
                    || (saga.status().equals("FAILED") && saga.failureReason() != null);
            if (!ended) {
                violations.add(new Violation("saga terminal", saga.sagaId().toString(),
                        saga.status() + (saga.failureReason() == null ? "" : " " + saga.failureReason())));
            }
        }
        for (Service service : Service.values()) {
            long rows = db.outboxRows(service);
            if (rows > 0) {
                violations.add(new Violation("outbox empty", service.artifactId(), rows + " rows"));
            }
        }
        long undecided = db.pendingProviderAttempts();
        if (undecided > 0) {
            violations.add(new Violation("no payment provider attempt left pending", "payment-service",
                    undecided + " attempts PENDING (unanswered or parked)"));
        }
        broker.deadLetters().forEach((topic, records) ->
                violations.add(new Violation("no dead letter", topic, records + " records")));
        Map<UUID, Db.OrderRow> ordersById = new HashMap<>();
        orders.forEach(order -> ordersById.put(order.orderId(), order));
        for (UUID accepted : scope.acceptedOrders()) {
            if (!ordersById.containsKey(accepted)) {
                violations.add(new Violation("accepted order stored", accepted.toString(), "no such order"));
            }
        }
        Map<String, Long> keptByCustomer = new HashMap<>();
        for (Db.OrderRow order : orders) {
            String id = order.orderId().toString();
            if (order.status().equals("PENDING")) {
                violations.add(new Violation("no order pending", id, "PENDING"));
            }
            if (!customers.contains(order.customerId())) {
                continue;
            }
            List<Db.SagaRow> its = sagasByOrder.getOrDefault(id, List.of());
            if (its.size() != 1) {
                violations.add(new Violation("one saga per order", id, its.size() + " sagas"
                        + (scope.acceptedOrders().contains(order.orderId()) ? "" : " (client never saw it accepted)")));
            } else {
                String sagaStatus = its.getFirst().status();
                boolean consistent = switch (sagaStatus) {
                    case "COMPLETED" -> order.status().equals("CONFIRMED");
                    case "COMPENSATED" -> order.status().equals("CANCELLED");
                    default -> true;
                };
                if (!consistent) {
                    violations.add(new Violation("saga outcome = order outcome", id,
                            "saga " + sagaStatus + ", order " + order.status()));
                }
            }
            Db.LedgerOfOrder money = ledger.getOrDefault(order.orderId(),
                    new Db.LedgerOfOrder(order.orderId(), 0, 0, 0, 0));
            long kept = money.chargedCents() - money.refundedCents();
            keptByCustomer.merge(order.customerId(), kept, Long::sum);
            if (money.charges() > 1 || money.sagas() > 1) {
                violations.add(new Violation("no saga charged twice", id,
                        money.charges() + " charges over " + money.sagas() + " sagas"));
            }
            List<String> reservationStatuses = reservations.getOrDefault(order.orderId(), List.of());
            if (order.status().equals("CONFIRMED")) {
                long total = order.totalCents() == null ? -1 : order.totalCents();
                if (kept != total) {
                    violations.add(new Violation("charged - refunded = total of confirmed order", id,
                            "charged " + money.chargedCents() + ", refunded " + money.refundedCents()
                                    + ", total " + order.totalCents()));
                }
                if (!reservationStatuses.equals(List.of("RESERVED"))) {
                    violations.add(new Violation("confirmed order holds its reservation", id,
                            "reservations " + reservationStatuses));
                }
                if (money.charges() == 0) {
                    violations.add(new Violation("confirmed order has a charge", id, "no charge"));
                }
            } else {
                if (kept != 0) {
                    violations.add(new Violation("charged - refunded = 0 for an order not confirmed", id,
                            order.status() + ": charged " + money.chargedCents() + ", refunded "
                                    + money.refundedCents()));
                }
                if (reservationStatuses.contains("RESERVED")) {
                    violations.add(new Violation("order not confirmed holds no reservation", id,
                            order.status() + ": reservations " + reservationStatuses));
                }
            }
        }
        for (Product product : scope.products()) {
            int available = db.available(product.sku());
            long reserved = db.reservedUnits(product.sku());
            if (available < 0 || available + reserved != product.initialAvailable()) {
                violations.add(new Violation("stock conserved", product.sku(), "available " + available
                        + " + reserved " + reserved + " != initial " + product.initialAvailable()));
            }
        }
        for (Customer customer : scope.customers()) {
            long balance = db.balanceCents(customer.id());
            long kept = keptByCustomer.getOrDefault(customer.id(), 0L);
            if (balance + kept != customer.initialBalanceCents()) {
                violations.add(new Violation("money conserved", customer.id(), "balance " + balance
                        + " + kept " + kept + " != initial " + customer.initialBalanceCents()));
            }
        }
        return violations;
    }

    /** Stock is conserved: what a product started with is either still available or held by a reservation. */
    public void assertStockConserved(Product... products) {
        for (Product product : products) {
            int available = db.available(product.sku());
            long reserved = db.reservedUnits(product.sku());
            assertThat(available).as("available units of %s", product.sku()).isNotNegative();
            assertThat(available + reserved)
                    .as("%s: available (%d) + reserved (%d) = initial", product.sku(), available, reserved)
                    .isEqualTo(product.initialAvailable());
        }
    }

    /**
     * Money is conserved, per customer: the balance plus what the ledger kept (charges minus refunds) is the
     * initial balance, and what the ledger kept is exactly the totals of the customer's confirmed orders.
     */
    public void assertMoneyConserved(Customer... customers) {
        for (Customer customer : customers) {
            long kept = db.chargedCents(customer.id()) - db.refundedCents(customer.id());
            long balance = api.account(customer.id()).balanceCents();
            assertThat(balance + kept).as("%s: balance (%d) + charges - refunds (%d) = initial", customer.id(),
                    balance, kept).isEqualTo(customer.initialBalanceCents());
            assertThat(kept).as("%s: charges - refunds = totals of confirmed orders", customer.id())
                    .isEqualTo(db.confirmedTotalCents(customer.id()));
        }
        assertThat(db.netChargedCents()).as("whole ledger: charges - refunds = totals of all confirmed orders")
                .isEqualTo(db.confirmedTotalCents());
    }

    /**
     * A confirmed order holds its reservation and its charge; a cancelled one holds neither (a released or
     * rejected reservation, a refund for every charge).
     */
    public void assertEffectsMatchOutcome(OrderView order) {
        long charged = db.chargedCents(order.orderId());
        long refunded = db.refundedCents(order.orderId());
        switch (order.status()) {
            case "CONFIRMED" -> {
                assertThat(db.reservationStatuses(order.orderId())).as("reservation of confirmed order %s",
                        order.orderId()).containsExactly("RESERVED");
                assertThat(charged).as("charge of confirmed order %s", order.orderId()).isEqualTo(order.totalCents());
                assertThat(refunded).as("refund of confirmed order %s", order.orderId()).isZero();
            }
            case "CANCELLED" -> {
                assertThat(db.reservationStatuses(order.orderId())).as("reservation of cancelled order %s",
                        order.orderId()).doesNotContain("RESERVED");
                assertThat(charged - refunded).as("money kept for cancelled order %s", order.orderId()).isZero();
            }
            default -> throw new AssertionError("order " + order.orderId() + " has not ended: " + order.status());
        }
    }
}
