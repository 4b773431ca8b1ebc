package com.sagaworks.orchestrator.admin;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The participants' read APIs as a real HTTP server on a free port: each path answers what the test put there,
 * anything else 404. The order API also checks the {@code X-Api-Key} header, like order-service.
 */
final class FakeParticipants implements AutoCloseable {

    static final String API_KEY = "test-shop-key";

    private final HttpServer server;
    private final Map<String, String> bodies = new ConcurrentHashMap<>();

    private FakeParticipants(HttpServer server) {
        this.server = server;
    }

    static FakeParticipants start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            FakeParticipants fake = new FakeParticipants(server);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                boolean orderApi = path.startsWith("/order/");
                String body = fake.bodies.get(path);
                int status = orderApi && !API_KEY.equals(exchange.getRequestHeaders().getFirst("X-Api-Key")) ? 401
                        : body == null ? 404 : 200;
                byte[] bytes = (status == 200 ? body : "{}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl(String participant) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + participant;
    }

    /** Sets what the three services report for a saga (null: 404, never saw it). */
    void report(String sagaId, String orderId, String reservation, String payments, String order) {
        put("/inventory/reservations/" + sagaId, reservation);
        put("/payment/payments/" + sagaId, payments);
        put("/order/orders/" + orderId, order);
    }

    private void put(String path, String body) {
        if (body == null) {
            bodies.remove(path);
        } else {
            bodies.put(path, body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
