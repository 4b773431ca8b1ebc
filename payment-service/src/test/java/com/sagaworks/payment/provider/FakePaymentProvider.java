package com.sagaworks.payment.provider;

import com.sagaworks.contracts.SagaId;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A payment provider speaking {@link HttpPaymentProvider}'s protocol on 127.0.0.1, for tests. It deduplicates on
 * the idempotency key like a real provider (a repeated key answers the first decision and moves nothing),
 * records every call, and misbehaves on demand: each saga can be given a script of {@link Behaviour}s, one per
 * request about the saga (charges, refunds and status questions alike), after which it behaves {@link
 * Behaviour#OK}. Keys start with the saga id, which is how a request is matched to its saga.
 */
public final class FakePaymentProvider implements AutoCloseable {

    /** How the provider handles one request. */
    public enum Behaviour {

        /** Does what it is asked and answers at once. */
        OK,
        /** Refuses a charge with "insufficient_funds" (and remembers the refusal under the key). */
        DECLINE,
        /** Holds the request past the caller's read timeout, then answers 503 having done nothing. */
        SLOW,
        /** Answers 503 at once, having done nothing. */
        FAIL_503,
        /** Does what it is asked, then holds the answer past the caller's read timeout: the caller sees a timeout. */
        SUCCEED_THEN_HANG
    }

    /** One request as received. */
    public record Call(String method, String path, String key, Behaviour behaviour) {
    }

    /** Money the provider moved: a charge or a refund, once per key. */
    public record Movement(String kind, String key, long amountCents) {
    }

    private record Decision(String status, String reason) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Duration hold;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, Deque<Behaviour>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Decision> decisions = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Movement> movements = new CopyOnWriteArrayList<>();

    private FakePaymentProvider(Duration hold) throws IOException {
        this.hold = hold;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts on a free port of 127.0.0.1; {@code hold} must be longer than the client's read timeout. */
    public static FakePaymentProvider start(Duration hold) {
        try {
            return new FakePaymentProvider(hold);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the fake payment provider", e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The behaviours of the next requests about {@code saga}, in order; OK after them. */
    public void script(SagaId saga, Behaviour... behaviours) {
        scripts.computeIfAbsent(saga.toString(), s -> new ArrayDeque<>()).addAll(List.of(behaviours));
    }

    public List<Call> calls(SagaId saga) {
        return calls.stream().filter(c -> c.key().startsWith(saga.toString())).toList();
    }

    public long chargeRequests(SagaId saga) {
        return count(saga, "POST", "/charges");
    }

    public long refundRequests(SagaId saga) {
        return count(saga, "POST", "/refunds");
    }

    public long statusRequests(SagaId saga) {
        return count(saga, "GET", "/operations/");
    }

    public List<Movement> movements(SagaId saga) {
        return movements.stream().filter(m -> m.key().startsWith(saga.toString())).toList();
    }

    /** What the provider holds of the saga's money: charged minus refunded. */
    public long netCents(SagaId saga) {
        return movements(saga).stream()
                .mapToLong(m -> m.kind().equals("CHARGE") ? m.amountCents() : -m.amountCents())
                .sum();
    }

    /** Lets every held request finish and stops. */
    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.close();
    }

    private long count(SagaId saga, String method, String pathPrefix) {
        return calls(saga).stream().filter(c -> c.method().equals(method) && c.path().startsWith(pathPrefix)).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String key = method.equals("GET") && path.startsWith("/operations/")
                    ? URLDecoder.decode(path.substring("/operations/".length()), StandardCharsets.UTF_8)
                    : exchange.getRequestHeaders().getFirst(HttpPaymentProvider.IDEMPOTENCY_KEY);
            if (key == null) {
                respond(exchange, 400, Map.of("error", "no idempotency key"));
                return;
            }
            Behaviour behaviour = next(key);
            calls.add(new Call(method, path, key, behaviour));
            Map<?, ?> body = readBody(exchange.getRequestBody());
            switch (behaviour) {
                case FAIL_503 -> respond(exchange, 503, Map.of("error", "unavailable"));
                case SLOW -> {
                    holdOn();
                    respond(exchange, 503, Map.of("error", "gave up"));
                }
                case OK, DECLINE -> answer(exchange, method, path, key, body, behaviour);
                case SUCCEED_THEN_HANG -> {
                    Answer answer = decide(method, path, key, body, Behaviour.OK);
                    holdOn();
                    respond(exchange, answer.status(), answer.body());
                }
            }
        }
    }

    private void answer(HttpExchange exchange, String method, String path, String key, Map<?, ?> body,
                        Behaviour behaviour) throws IOException {
        Answer answer = decide(method, path, key, body, behaviour);
        respond(exchange, answer.status(), answer.body());
    }

    private record Answer(int status, Object body) {
    }

    /** The provider's bookkeeping; synchronized so two requests with one key decide once. */
    private synchronized Answer decide(String method, String path, String key, Map<?, ?> body,
                                       Behaviour behaviour) {
        if (method.equals("GET") && path.startsWith("/operations/")) {
            Decision known = decisions.get(key);
            return known == null ? new Answer(404, Map.of("error", "no such operation")) : new Answer(200, known);
        }
        Decision earlier = decisions.get(key);
        if (earlier != null) {
            return new Answer(200, earlier);
        }
        long amount = ((Number) body.get("amountCents")).longValue();
        Decision decision;
        if (path.equals("/charges")) {
            if (behaviour == Behaviour.DECLINE) {
                decision = new Decision("DECLINED", "insufficient_funds");
            } else {
                decision = new Decision("SUCCEEDED", null);
                movements.add(new Movement("CHARGE", key, amount));
            }
        } else if (path.equals("/refunds")) {
            Decision charge = decisions.get((String) body.get("chargeKey"));
            if (charge == null || !charge.status().equals("SUCCEEDED")) {
                decision = new Decision("DECLINED", "no_such_charge");
            } else {
                decision = new Decision("SUCCEEDED", null);
                movements.add(new Movement("REFUND", key, amount));
            }
        } else {
            return new Answer(404, Map.of("error", "no such endpoint"));
        }
        decisions.put(key, decision);
        return new Answer(200, decision);
    }

    private Behaviour next(String key) {
        for (Map.Entry<String, Deque<Behaviour>> script : scripts.entrySet()) {
            if (key.startsWith(script.getKey())) {
                synchronized (script.getValue()) {
                    Behaviour next = script.getValue().pollFirst();
                    return next == null ? Behaviour.OK : next;
                }
            }
        }
        return Behaviour.OK;
    }

    /** Keeps the request open past the caller's read timeout; {@link #close} ends the wait early. */
    private void holdOn() {
        try {
            closing.await(hold.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<?, ?> readBody(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        return bytes.length == 0 ? Map.of() : JSON.readValue(bytes, Map.class);
    }

    /**
     * After a hold the caller is gone and writing fails with an IOException; it propagates to the server, which
     * closes the exchange, as a real provider's server would.
     */
    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
