package com.sagaworks.system;

import com.sagaworks.stack.LocalStack;
import com.sagaworks.stack.Ports;
import com.sagaworks.stack.Service;
import com.sagaworks.system.Api.OrderView;
import com.sagaworks.system.Api.SagaSummary;
import com.sagaworks.system.Api.SagaView;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * The system under test: PostgreSQL, a Kafka broker and the four services as processes, started by the
 * local-stack launcher on free ports and a fresh data directory, plus the clients the tests use to drive it
 * (HTTP), look inside it (JDBC) and tell when it is quiet (Kafka admin).
 *
 * <p>payment-service moves money through an external provider ({@code sagaworks.payments.provider=http}), the
 * {@link FakePaymentProvider} in this JVM, whose books are the payment database's accounts: balances, declines
 * and the money invariants mean what they mean with the in-database provider, and the chaos suite can make the
 * provider fail. The orchestrator's step deadline is {@value #STEP_TIMEOUT} instead of 30 s, so that a stalled
 * participant outlasts deadlines (see docs/reliability.md).
 */
public final class SagaworksSystem implements AutoCloseable {

    /** order-service refuses to approve an order above this total (instead of its 100,000.00 default). */
    public static final long APPROVAL_LIMIT_CENTS = 500_000;
    /**
     * The orchestrator's step timeout: a forward step's command is sent at 0, re-sent after 20 s and 60 s, and given
     * up after 140 s; a compensation's is sent 10 times over 21 min. Shorter than the default 30 s so that a chaos fault can outlast it (and, in the long run, the
     * whole budget); not much shorter, because the budget must outlast a participant killed twice in a row: each
     * kill -9 costs a restart (up to a minute on a busy 2-core machine) and a consumer-group session timeout, and
     * with 10 s (a 70 s budget) inventory-service was once unable to answer for 86 s, leaving 106 sagas FAILED.
     */
    public static final String STEP_TIMEOUT = "20s";

    private static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<String> ENDED = Set.of("COMPLETED", "COMPENSATED", "FAILED");

    private final LocalStack stack;
    private final Api api;
    private final Db db;
    private final Broker broker;
    private final Invariants invariants;
    private final FakePaymentProvider paymentProvider;

    private SagaworksSystem(LocalStack stack, FakePaymentProvider paymentProvider) {
        this.stack = stack;
        this.paymentProvider = paymentProvider;
        this.api = new Api(stack);
        this.db = new Db(stack);
        this.broker = new Broker(stack.kafkaBootstrapServers());
        this.invariants = new Invariants(db, api, broker);
    }

    static SagaworksSystem start() {
        List<Integer> ports = Ports.freePorts(7);
        FakePaymentProvider provider = FakePaymentProvider.start();
        LocalStack stack = LocalStack.builder()
                .dataDirectory(freshDataDirectory())
                .repositoryRoot(repositoryRoot())
                .jarsDirectory(jarsDirectory())
                .postgresPort(ports.get(0))
                .kafkaPort(ports.get(1))
                .controllerPort(ports.get(2))
                .servicePort(Service.ORDER, ports.get(3))
                .servicePort(Service.INVENTORY, ports.get(4))
                .servicePort(Service.PAYMENT, ports.get(5))
                .servicePort(Service.ORCHESTRATOR, ports.get(6))
                // C1 only: less JIT work while four Spring Boot services start at once on two cores; these
                // tests never run long enough for C2 to pay off
                .serviceJvmOptions("-XX:TieredStopAtLevel=1")
                .serviceArgs(Service.ORDER, "--sagaworks.orders.approval.max-total-cents=" + APPROVAL_LIMIT_CENTS)
                .serviceArgs(Service.ORCHESTRATOR, "--sagaworks.orchestrator.step-timeout=" + STEP_TIMEOUT)
                .serviceArgs(Service.PAYMENT,
                        "--sagaworks.payments.provider=http",
                        "--sagaworks.payments.http.base-url=" + provider.baseUrl(),
                        // a provider that failed for a while is tried again within 2 s of its recovery, and a
                        // refund is parked only after 100 rounds (over 3 minutes), far beyond any refund outage
                        "--sagaworks.payments.attempts.poll-interval=1s",
                        "--sagaworks.payments.attempts.initial-backoff=500ms",
                        "--sagaworks.payments.attempts.max-backoff=2s",
                        "--sagaworks.payments.attempts.refund-max-attempts=100")
                .build();
        provider.useDatabase(stack.jdbcUrl(Service.PAYMENT), stack.databaseUser(), stack.databasePassword());
        try {
            stack.start();
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
        SagaworksSystem system;
        try {
            system = new SagaworksSystem(stack, provider);
        } catch (RuntimeException e) {
            stack.stop();
            provider.close();
            throw e;
        }
        try {
            system.broker.awaitConsumersReady();
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
        return system;
    }

    public Api api() {
        return api;
    }

    public Db db() {
        return db;
    }

    public Broker broker() {
        return broker;
    }

    public LocalStack stack() {
        return stack;
    }

    public Invariants invariants() {
        return invariants;
    }

    /** The payment provider payment-service calls, with the customers' money. */
    public FakePaymentProvider paymentProvider() {
        return paymentProvider;
    }

    /** Waits until the order is no longer PENDING, and returns it. */
    public OrderView awaitOrderOutcome(UUID orderId) {
        return await("order " + orderId + " confirmed or cancelled")
                .atMost(OUTCOME_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.order(orderId), order -> !order.status().equals("PENDING"));
    }

    /**
     * Waits until the order's saga has ended (COMPLETED, COMPENSATED or FAILED), and returns it with its
     * timeline. That an order has exactly one saga is for the caller to assert, once the system is quiet.
     */
    public SagaView awaitSagaEnd(UUID orderId) {
        SagaSummary saga = await("the saga of order " + orderId + " ended")
                .atMost(OUTCOME_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.sagasOfOrder(orderId),
                        sagas -> !sagas.isEmpty() && sagas.stream().allMatch(s -> ENDED.contains(s.status())))
                .getFirst();
        return api.saga(saga.sagaId());
    }

    /** Stops everything and starts it again on the same data directory and ports. */
    public void restart() {
        stack.stop();
        stack.start();
        broker.awaitConsumersReady();
    }

    /** A product of its own for one test: a unique SKU, so tests never share stock. */
    public Product newProduct(long priceCents, int available) {
        Product product = new Product("SKU-" + shortId(), priceCents, available);
        db.insertProduct(product.sku(), "system test product " + product.sku(), priceCents, available);
        return product;
    }

    /** A customer of its own for one test, with an account holding {@code balanceCents}. */
    public Customer newCustomer(long balanceCents) {
        Customer customer = new Customer("customer-" + shortId(), balanceCents);
        db.insertAccount(customer.id(), balanceCents);
        return customer;
    }

    public static String newIdempotencyKey() {
        return UUID.randomUUID().toString();
    }

    /**
     * Stops the stack. The data directory stays (under target/, removed by mvn clean) with every service's log,
     * for whoever has to find out why a test failed.
     */
    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            try {
                stack.stop();
            } finally {
                paymentProvider.close();
            }
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Path repositoryRoot() {
        String configured = System.getProperty("sagaworks.repository-root");
        // failsafe runs in the module directory; the property is set by the pom, this is for IDE runs
        return (configured == null ? Path.of("..") : Path.of(configured)).toAbsolutePath().normalize();
    }

    /** Null (the jars in the repository's target directories) unless -Dsagaworks.system-tests.jars-dir is given. */
    private static Path jarsDirectory() {
        String configured = System.getProperty("sagaworks.system-tests.jars-dir");
        return configured == null || configured.isBlank() ? null : Path.of(configured).toAbsolutePath();
    }

    private static Path freshDataDirectory() {
        String configured = System.getProperty("sagaworks.system-tests.data-dir");
        Path directory = Path.of(configured == null ? "target/system-stack" : configured).toAbsolutePath();
        try {
            if (Files.exists(directory)) {
                try (Stream<Path> files = Files.walk(directory)) {
                    for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the data directory " + directory, e);
        }
    }

    /** A product a test created, and how many units it started with. */
    public record Product(String sku, long priceCents, int initialAvailable) {
    }

    /** A customer a test created, and the balance it started with. */
    public record Customer(String id, long initialBalanceCents) {
    }
}
