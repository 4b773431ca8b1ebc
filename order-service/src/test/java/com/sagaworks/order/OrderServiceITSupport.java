package com.sagaworks.order;

import com.sagaworks.contracts.Topics;
import com.sagaworks.testing.KafkaTestClient;
import com.sagaworks.testing.SharedKafka;
import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * The whole service on a random port, with its own database on the shared PostgreSQL and the shared Kafka
 * broker. Subclasses are {@code *IT} classes run by failsafe. Every test ends by waiting for the outbox to
 * drain: whatever a test made the service write must have been published.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
public abstract class OrderServiceITSupport {

    protected static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The demo client of application.yml: may act for any customer. The helpers below call as this client. */
    protected static final String DEMO_SHOP_KEY = "demo-shop-key";
    /** A shop acting for alice and bob only. */
    protected static final String SHOP_A_KEY = "shop-a-key-0123456789";
    /** Another shop, also acting for alice (as a different client), and for carol. */
    protected static final String SHOP_B_KEY = "shop-b-key-0123456789";
    /** A support tool: reads every client's orders, writes only as itself. */
    protected static final String SUPPORT_KEY = "support-key-0123456789";
    protected static final JsonMapper JSON = JsonMapper.builder().build();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Created after the context, whose startup declares the topics it listens to. */
    protected static KafkaTestClient kafka;

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "orders");
        registry.add("sagaworks.orders.clients.shop-a.api-key", () -> SHOP_A_KEY);
        registry.add("sagaworks.orders.clients.shop-a.customers[0]", () -> "alice");
        registry.add("sagaworks.orders.clients.shop-a.customers[1]", () -> "bob");
        registry.add("sagaworks.orders.clients.shop-b.api-key", () -> SHOP_B_KEY);
        registry.add("sagaworks.orders.clients.shop-b.customers[0]", () -> "alice");
        registry.add("sagaworks.orders.clients.shop-b.customers[1]", () -> "carol");
        registry.add("sagaworks.orders.clients.support.api-key", () -> SUPPORT_KEY);
        registry.add("sagaworks.orders.clients.support.customers[0]", () -> "*");
        registry.add("sagaworks.orders.clients.support.reads-all-orders", () -> "true");
    }

    @BeforeEach
    void connectKafkaClient() {
        if (kafka == null) {
            kafka = new KafkaTestClient(SharedKafka.bootstrapServers(),
                    Topics.ORDER_EVENTS, Topics.ORDER_REPLIES, Topics.deadLetterOf(Topics.ORDER_COMMANDS));
        }
    }

    @AfterEach
    void outboxDrains() {
        await().atMost(TIMEOUT).until(() -> outboxSize() == 0);
    }

    @AfterAll
    static void closeKafkaClient() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    protected long outboxSize() {
        return count("SELECT count(*) FROM messaging_outbox");
    }

    protected long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    protected long count(String sql, Map<String, ?> params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    /** A fresh key, so tests of one class never share an order by accident. */
    protected static String newKey() {
        return "key-" + UUID.randomUUID();
    }

    protected static String orderBody(String customerId, Map<String, Integer> lines) {
        List<Map<String, Object>> jsonLines = lines.entrySet().stream()
                .map(e -> Map.<String, Object>of("sku", e.getKey(), "quantity", e.getValue()))
                .toList();
        return JSON.writeValueAsString(Map.of("customerId", customerId, "lines", jsonLines));
    }

    /** Places an order as the demo client. */
    protected HttpResponse<String> postOrder(String idempotencyKey, String body) {
        return postOrder(DEMO_SHOP_KEY, idempotencyKey, body);
    }

    /** Places an order as the client holding {@code apiKey}; null sends no key. */
    protected HttpResponse<String> postOrder(String apiKey, String idempotencyKey, String body) {
        HttpRequest.Builder request = request(apiKey, "/orders")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    /** GET as the demo client. */
    protected HttpResponse<String> get(String path) {
        return get(DEMO_SHOP_KEY, path);
    }

    /** GET as the client holding {@code apiKey}; null sends no key. */
    protected HttpResponse<String> get(String apiKey, String path) {
        return send(request(apiKey, path).GET().build());
    }

    /** A request to {@code path} carrying {@code apiKey} in X-Api-Key (none when null). */
    protected HttpRequest.Builder request(String apiKey, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT);
        if (apiKey != null) {
            request.header("X-Api-Key", apiKey);
        }
        return request;
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("request " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.uri(), e);
        }
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    protected static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** Places an order over HTTP as the demo client and returns its id. */
    protected UUID placeOrder(String customerId, Map<String, Integer> lines) {
        return placeOrder(DEMO_SHOP_KEY, customerId, lines);
    }

    /** Places an order over HTTP as the client holding {@code apiKey} and returns its id. */
    protected UUID placeOrder(String apiKey, String customerId, Map<String, Integer> lines) {
        HttpResponse<String> response = postOrder(apiKey, newKey(), orderBody(customerId, lines));
        if (response.statusCode() != 202) {
            throw new IllegalStateException("placing an order answered " + response.statusCode() + ": " + response.body());
        }
        return UUID.fromString(json(response).get("orderId").asString());
    }

    protected String statusOf(UUID orderId) {
        return jdbc.sql("SELECT status FROM orders WHERE id = :id").param("id", orderId).query(String.class).single();
    }
}
