package com.sagaworks.system;

import com.sagaworks.stack.LocalStack;
import com.sagaworks.stack.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The services' HTTP APIs as a client sees them. Views hold only the fields the tests read; everything else
 * in an answer is ignored, so a service may add fields without breaking these tests.
 */
public final class Api {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * order-service's API clients authenticate with a key in this header; the tests act as the demo client
     * that order-service configures by default (any customer), unless -Dsagaworks.system-tests.api-key says
     * otherwise. The other services ignore the header.
     */
    private static final String API_KEY_HEADER = "X-Api-Key";
    private static final String API_KEY = System.getProperty("sagaworks.system-tests.api-key", "demo-shop-key");

    private final LocalStack stack;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final JsonMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    Api(LocalStack stack) {
        this.stack = stack;
    }

    /** One line of an order request. */
    public record Line(String sku, int quantity) {
    }

    record PlaceOrderRequest(String customerId, List<Line> lines) {
    }

    /** The raw answer to {@code POST /orders}, whatever its status. */
    public record Placement(int status, String contentType, String body, UUID orderId, String orderStatus) {
    }

    record Accepted(UUID orderId, String status) {
    }

    public record OrderView(UUID orderId, String customerId, String status, String reason, Long totalCents) {
    }

    public record ProductView(String sku, String name, long priceCents, int available) {
    }

    public record AccountView(String customerId, long balanceCents) {
    }

    public record SagaSummary(UUID sagaId, String type, String status, String currentStep, int version) {
    }

    public record SagaView(UUID sagaId, String type, String status, String currentStep, int version,
                           List<HistoryEntry> history) {
    }

    public record HistoryEntry(String kind, int version, String fromStatus, String toStatus, String fromStep,
                               String toStep, String messageType, String reason) {
    }

    public Placement placeOrder(String idempotencyKey, String customerId, Line... lines) {
        HttpRequest request = HttpRequest.newBuilder(uri(Service.ORDER, "/orders"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .header(API_KEY_HEADER, API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(
                        json.writeValueAsString(new PlaceOrderRequest(customerId, List.of(lines)))))
                .build();
        HttpResponse<String> response = send(request);
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() == 202) {
            Accepted accepted = json.readValue(response.body(), Accepted.class);
            return new Placement(202, contentType, response.body(), accepted.orderId(), accepted.status());
        }
        return new Placement(response.statusCode(), contentType, response.body(), null, null);
    }

    /** {@code POST /orders/{id}/cancel}; returns the HTTP status (200 cancelled, 409 already confirmed). */
    public int cancelOrder(UUID orderId) {
        HttpRequest request = HttpRequest.newBuilder(uri(Service.ORDER, "/orders/" + orderId + "/cancel"))
                .timeout(REQUEST_TIMEOUT)
                .header(API_KEY_HEADER, API_KEY)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return send(request).statusCode();
    }

    public OrderView order(UUID orderId) {
        return get(Service.ORDER, "/orders/" + orderId, new TypeReference<>() {
        });
    }

    public List<ProductView> products() {
        return get(Service.INVENTORY, "/products", new TypeReference<>() {
        });
    }

    public ProductView product(String sku) {
        return products().stream()
                .filter(product -> product.sku().equals(sku))
                .findFirst()
                .orElseThrow(() -> new AssertionError("GET /products does not list " + sku));
    }

    public AccountView account(String customerId) {
        return get(Service.PAYMENT, "/accounts/" + customerId, new TypeReference<>() {
        });
    }

    public List<SagaSummary> sagasOfOrder(UUID orderId) {
        return get(Service.ORCHESTRATOR, "/sagas?orderId=" + orderId, new TypeReference<>() {
        });
    }

    public SagaView saga(UUID sagaId) {
        return get(Service.ORCHESTRATOR, "/sagas/" + sagaId, new TypeReference<>() {
        });
    }

    private <T> T get(Service service, String path, TypeReference<T> type) {
        HttpRequest request = HttpRequest.newBuilder(uri(service, path))
                .timeout(REQUEST_TIMEOUT)
                .header(API_KEY_HEADER, API_KEY)
                .GET()
                .build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + request.uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return json.readValue(response.body(), type);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    private URI uri(Service service, String path) {
        return stack.baseUrl(service).resolve(path);
    }
}
