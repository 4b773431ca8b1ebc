package com.sagaworks.system;

import com.sagaworks.stack.Service;
import com.sagaworks.system.Api.OrderView;
import com.sagaworks.system.SagaworksSystem.Customer;
import com.sagaworks.system.SagaworksSystem.Product;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

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
