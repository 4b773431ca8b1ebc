package com.sagaworks.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The external payment provider the stack's payment-service calls ({@code sagaworks.payments.provider=http}),
 * served by the test JVM on 127.0.0.1 and speaking exactly the protocol of payment-service's
 * {@code HttpPaymentProvider}: {@code POST /charges} and {@code POST /refunds} with an {@code Idempotency-Key},
 * {@code GET /operations/{key}}; a decision is {@code 200 {"status": "SUCCEEDED"}} or {@code 200 {"status":
 * "DECLINED", "reason": ...}}, anything else means "unknown, ask again later".
 *
 * <p>Its books are the customers' money: the {@code account} table of the payment database (which payment-service
 * itself leaves alone in http mode), so a customer's balance is what the provider holds for them, a charge the
 * balance cannot cover is declined ({@code insufficient_funds}), and the money invariants (balance + charges -
 * refunds in payment-service's ledger = initial balance) compare the provider's books with the service's ledger.
 * Every decision is one transaction that moves the money and stores the decision under its key (in a schema of
 * its own), so a repeated key answers the first decision and moves nothing, even across a PostgreSQL crash: an
 * error before the commit answers 503 and nothing moved; a lost answer after it is found under the key.
 *
 * <p>For the chaos suite it can also misbehave: {@link #failRefunds} answers every refund with 503 (which the
 * adapter treats as transient) until {@link #endRefundOutage}.
 */
public final class FakePaymentProvider implements AutoCloseable {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private static final String CREATE_BOOKS = """
            CREATE SCHEMA IF NOT EXISTS fake_provider;
            CREATE TABLE IF NOT EXISTS fake_provider.operation (
                idempotency_key text PRIMARY KEY,
                kind            text        NOT NULL CHECK (kind IN ('CHARGE', 'REFUND')),
                customer_id     text        NOT NULL,
                amount_cents    bigint      NOT NULL,
                status          text        NOT NULL CHECK (status IN ('SUCCEEDED', 'DECLINED')),
                reason          text,
                created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
            )
            """;
    private static final String OPERATION = """
            SELECT kind, customer_id, amount_cents, status, reason FROM fake_provider.operation
            WHERE idempotency_key = ?
            """;
    private static final String INSERT_OPERATION = """
            INSERT INTO fake_provider.operation (idempotency_key, kind, customer_id, amount_cents, status, reason)
            VALUES (?, ?, ?, ?, ?, ?)
            """;
    private static final String DEBIT = """
            UPDATE account SET balance_cents = balance_cents - ? WHERE customer_id = ? AND balance_cents >= ?
            """;
    private static final String CREDIT = """
            UPDATE account SET balance_cents = balance_cents + ? WHERE customer_id = ?
            """;
    private static final String ACCOUNT_EXISTS = """
            SELECT count(*) FROM account WHERE customer_id = ?
            """;
    private static final String SUCCEEDED_REFUNDS = """
            SELECT idempotency_key FROM fake_provider.operation WHERE kind = 'REFUND' AND status = 'SUCCEEDED'
            """;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A refund request answered 503 during an outage: its key and when. */
    public record RefusedRefund(String key, Instant at) {

        /** The saga the refund is for: keys are {@code <saga id>:refund}. */
        public UUID sagaId() {
            return UUID.fromString(key.substring(0, key.indexOf(':')));
        }
    }

    /** One refund outage: when refunds started failing, when they recovered, and what was refused meanwhile. */
    public record RefundOutage(Instant from, Instant to, List<RefusedRefund> refused) {

        public Set<UUID> sagas() {
            return refused.stream().map(RefusedRefund::sagaId).collect(Collectors.toSet());
        }
    }

    private record Decision(String status, String reason) {
    }

    /** The outage under way: refunds refused so far, and who waits for the first refusal. */
    private static final class Outage {
        final Instant from = Instant.now();
        final List<RefusedRefund> refused = new CopyOnWriteArrayList<>();
        final CompletableFuture<Instant> firstRefusal = new CompletableFuture<>();
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Object books = new Object();
    private volatile Outage outage;
    private volatile String jdbcUrl;
    private volatile String user;
    private volatile String password;
    private Connection connection;
    private boolean booksCreated;

    private FakePaymentProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts on a free port of 127.0.0.1; it answers 503 until {@link #useDatabase} says where its books are. */
    public static FakePaymentProvider start() {
        try {
            return new FakePaymentProvider();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the fake payment provider", e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The payment database, whose {@code account} table holds the customers' money. */
    public void useDatabase(String jdbcUrl, String user, String password) {
        synchronized (books) {
            this.jdbcUrl = jdbcUrl;
            this.user = user;
            this.password = password;
        }
    }

    /**
     * From now on every refund is answered 503, until {@link #endRefundOutage}. The future completes at the first
     * refund refused.
     */
    public CompletableFuture<Instant> failRefunds() {
        Outage started = new Outage();
        synchronized (books) {
            if (outage != null) {
                throw new IllegalStateException("refunds are failing already");
            }
            outage = started;
        }
        return started.firstRefusal;
    }

    /** Refunds are answered again; returns what the outage refused. Does nothing (null) when none is under way. */
    public RefundOutage endRefundOutage() {
        Outage ended;
        synchronized (books) {
            ended = outage;
            outage = null;
        }
        if (ended == null) {
            return null;
        }
        ended.firstRefusal.cancel(false);
        return new RefundOutage(ended.from, Instant.now(), List.copyOf(ended.refused));
    }

    /**
     * The sagas whose refund the provider has made (the keys of its succeeded refunds). On a connection of its own:
     * the one the decisions share may have been broken by a PostgreSQL crash since the last request.
     */
    public Set<UUID> refundedSagas() {
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, password);
             PreparedStatement statement = db.prepareStatement(SUCCEEDED_REFUNDS);
             ResultSet rows = statement.executeQuery()) {
            Set<UUID> sagas = new HashSet<>();
            while (rows.next()) {
                String key = rows.getString(1);
                sagas.add(UUID.fromString(key.substring(0, key.indexOf(':'))));
            }
            return sagas;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the fake provider's refunds (SQLSTATE "
                    + e.getSQLState() + ")", e);
        }
    }

    /** Stops answering; a refund outage still under way ends with it. */
    @Override
    public void close() {
        endRefundOutage();
        server.stop(0);
        executor.close();
        synchronized (books) {
            dropConnection();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (method.equals("GET") && path.startsWith("/operations/")) {
                String key = URLDecoder.decode(path.substring("/operations/".length()), StandardCharsets.UTF_8);
                answer(exchange, () -> status(key));
                return;
            }
            String key = exchange.getRequestHeaders().getFirst(IDEMPOTENCY_KEY);
            if (!method.equals("POST") || key == null || body.length == 0) {
                respond(exchange, 400, Map.of("error", "expected POST with an Idempotency-Key and a body"));
                return;
            }
            Map<?, ?> request = JSON.readValue(body, Map.class);
            switch (path) {
                case "/charges" -> answer(exchange, () -> charge(key, (String) request.get("customerId"),
                        ((Number) request.get("amountCents")).longValue()));
                case "/refunds" -> {
                    Outage failing = outage;
                    if (failing != null) {
                        failing.refused.add(new RefusedRefund(key, Instant.now()));
                        failing.firstRefusal.complete(Instant.now());
                        respond(exchange, 503, Map.of("error", "refunds are unavailable"));
                        return;
                    }
                    answer(exchange, () -> refund(key, (String) request.get("chargeKey"),
                            (String) request.get("customerId"), ((Number) request.get("amountCents")).longValue()));
                }
                default -> respond(exchange, 404, Map.of("error", "no such endpoint"));
            }
        }
    }

    private interface Decide {
        Decision decide() throws SQLException;
    }

    /** Decides under the books' lock; a database error (PostgreSQL down, say) is a 503: nothing was decided. */
    private void answer(HttpExchange exchange, Decide decide) throws IOException {
        Decision decision;
        synchronized (books) {
            try {
                decision = decide.decide();
            } catch (SQLException e) {
                dropConnection();
                decision = null;
            }
        }
        if (decision == null) {
            respond(exchange, 503, Map.of("error", "unavailable"));
        } else if (decision.status() == null) {
            respond(exchange, 404, Map.of("error", "no such operation"));
        } else {
            Map<String, String> answer = new LinkedHashMap<>();
            answer.put("status", decision.status());
            if (decision.reason() != null) {
                answer.put("reason", decision.reason());
            }
            respond(exchange, 200, answer);
        }
    }

    /** The decision under {@code key}, or one without a status when the key was never received. */
    private Decision status(String key) throws SQLException {
        Connection db = connection();
        Decision known;
        try {
            known = known(db, key);
        } finally {
            db.rollback();
        }
        return known == null ? new Decision(null, null) : known;
    }

    private Decision charge(String key, String customerId, long amountCents) throws SQLException {
        Connection db = connection();
        try {
            Decision earlier = known(db, key);
            if (earlier != null) {
                db.rollback();
                return earlier;
            }
            Decision decision;
            if (update(db, DEBIT, amountCents, customerId, amountCents) == 1) {
                decision = new Decision("SUCCEEDED", null);
            } else {
                decision = new Decision("DECLINED", accountExists(db, customerId) ? "insufficient_funds"
                        : "unknown_account");
            }
            record(db, key, "CHARGE", customerId, amountCents, decision);
            db.commit();
            return decision;
        } catch (SQLException e) {
            rollbackQuietly(db, e);
            throw e;
        }
    }

    private Decision refund(String key, String chargeKey, String customerId, long amountCents) throws SQLException {
        Connection db = connection();
        try {
            Decision earlier = known(db, key);
            if (earlier != null) {
                db.rollback();
                return earlier;
            }
            Decision decision;
            Charge charge = chargeOf(db, chargeKey);
            if (charge == null || !charge.succeeded()) {
                decision = new Decision("DECLINED", "no_such_charge");
            } else if (!charge.customerId().equals(customerId) || amountCents != charge.amountCents()) {
                decision = new Decision("DECLINED", "amount_or_customer_differs_from_charge");
            } else {
                if (update(db, CREDIT, amountCents, customerId) != 1) {
                    throw new SQLException("the account of " + customerId + " vanished");
                }
                decision = new Decision("SUCCEEDED", null);
            }
            record(db, key, "REFUND", customerId, amountCents, decision);
            db.commit();
            return decision;
        } catch (SQLException e) {
            rollbackQuietly(db, e);
            throw e;
        }
    }

    private record Charge(String customerId, long amountCents, boolean succeeded) {
    }

    private static Charge chargeOf(Connection db, String chargeKey) throws SQLException {
        if (chargeKey == null) {
            return null;
        }
        try (PreparedStatement statement = db.prepareStatement(OPERATION)) {
            statement.setString(1, chargeKey);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getString("kind").equals("CHARGE")
                        ? new Charge(row.getString("customer_id"), row.getLong("amount_cents"),
                        row.getString("status").equals("SUCCEEDED"))
                        : null;
            }
        }
    }

    private static Decision known(Connection db, String key) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(OPERATION)) {
            statement.setString(1, key);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? new Decision(row.getString("status"), row.getString("reason")) : null;
            }
        }
    }

    private static boolean accountExists(Connection db, String customerId) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(ACCOUNT_EXISTS)) {
            statement.setString(1, customerId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getLong(1) > 0;
            }
        }
    }

    private static void record(Connection db, String key, String kind, String customerId, long amountCents,
                               Decision decision) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(INSERT_OPERATION)) {
            statement.setString(1, key);
            statement.setString(2, kind);
            statement.setString(3, customerId);
            statement.setLong(4, amountCents);
            statement.setString(5, decision.status());
            statement.setString(6, decision.reason());
            statement.executeUpdate();
        }
    }

    private static int update(Connection db, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    /** The one connection to the books (all decisions run under the books' lock), opened again after an error. */
    private Connection connection() throws SQLException {
        if (jdbcUrl == null) {
            throw new SQLException("the fake payment provider has no database yet");
        }
        if (connection == null) {
            Connection opened = DriverManager.getConnection(jdbcUrl, user, password);
            if (!booksCreated) {
                try (Statement statement = opened.createStatement()) {
                    statement.execute(CREATE_BOOKS);
                }
                booksCreated = true;
            }
            opened.setAutoCommit(false);
            connection = opened;
        }
        return connection;
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // the connection is broken already; the next decision opens a new one
            }
            connection = null;
        }
    }

    private static void rollbackQuietly(Connection db, SQLException cause) {
        try {
            db.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
