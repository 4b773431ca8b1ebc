package com.sagaworks.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Places an order and learns its final status without polling in a loop: by default in the same request
 * ({@code Prefer: wait=30}, one request per order), or, with {@link Await#LONG_POLL}, with a placement answered at
 * once and a long poll ({@code GET /orders/{id}?wait=PT30S}) after it.
 */
final class OrderClient {

    /** How the final status is awaited. */
    enum Await {
        /** {@code POST /orders} with {@code Prefer: wait=30}: the placement answers with the final order. */
        PREFER,
        /** {@code POST /orders} answered at once, then {@code GET /orders/{id}?wait=PT30S}. */
        LONG_POLL;

        static Await parse(String text) {
            return switch (text) {
                case "prefer" -> PREFER;
                case "long-poll" -> LONG_POLL;
                default -> throw new IllegalArgumentException("--await must be prefer or long-poll, got " + text);
            };
        }

        String option() {
            return this == PREFER ? "prefer" : "long-poll";
        }
    }

    /**
     * What one order came to. {@code acceptedNanos} is when order-service accepted it: when the 202 arrived, or,
     * for an order that came back final from a waiting placement, that answer's arrival less the order's own time
     * from creation to its final update (order-service's clock); {@code finishedNanos} is when the final status
     * arrived.
     */
    record Result(Outcome outcome, long acceptedNanos, long finishedNanos) {
    }

    /**
     * A request of an order that failed: no answer (timeout, refused connection) or an answer that is not the
     * expected one. {@link #kind()} names the request and what went wrong, without the order's id, so failures can
     * be counted by kind.
     */
    static final class RequestFailed extends RuntimeException {
        private final String kind;

        RequestFailed(String request, String what, String detail, Throwable cause) {
            super(request + ": " + what + (detail == null ? "" : ": " + detail), cause);
            this.kind = request + ": " + what;
        }

        String kind() {
            return kind;
        }
    }

    /** The kind of an order's failure, as counted in the report. */
    static String kindOf(Throwable failure) {
        Throwable cause = unwrapped(failure);
        return cause instanceof RequestFailed failed ? failed.kind() : cause.getClass().getSimpleName();
    }

    /** The failure itself, without the {@code CompletionException}s a future's stages wrap it in. */
    private static Throwable unwrapped(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PLACE = "POST /orders";
    private static final String AWAIT = "GET /orders/{id}?wait";
    // a wait that ends with the order still PENDING, or a 503, is asked again; after this many it is an error
    private static final int MAX_ATTEMPTS = 4;
    /** When a 503 names no usable {@code Retry-After}. */
    private static final long DEFAULT_RETRY_AFTER_SECONDS = 1;
    /** A longer {@code Retry-After} is shortened to this: the order's latency counts on meanwhile anyway. */
    private static final long MAX_RETRY_AFTER_SECONDS = 10;

    private final HttpClient http;
    private final LongAdder refusalsRetried = new LongAdder();
    private final URI base;
    private final String apiKey;
    private final Await await;

    OrderClient(URI base, String apiKey, Await await) {
        this.base = base;
        this.apiKey = apiKey;
        this.await = await;
        // virtual threads: thousands of open long polls cost no platform threads in the load generator
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    CompletableFuture<Result> place(String customerId, String sku, int quantity) {
        return place(customerId, sku, quantity, UUID.randomUUID().toString(), 1);
    }

    // A 503 (the order store stayed busy, or too many orders in flight) comes with Retry-After: a client retries
    // after it, with the same Idempotency-Key for a POST; the retry's wait stays in the latency, which counts from
    // the due time.
    private CompletableFuture<Result> place(String customerId, String sku, int quantity, String idempotencyKey,
                                            int attempt) {
        String body = JSON.writeValueAsString(java.util.Map.of(
                "customerId", customerId,
                "lines", java.util.List.of(java.util.Map.of("sku", sku, "quantity", quantity))));
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/orders"))
                .header("X-Api-Key", apiKey)
                .header("Idempotency-Key", idempotencyKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (await == Await.PREFER) {
            request.timeout(WAIT.plusSeconds(10)).header("Prefer", "wait=" + WAIT.toSeconds());
        } else {
            request.timeout(Duration.ofSeconds(30));
        }
        return send(request.build(), PLACE).thenCompose(response -> {
            long now = System.nanoTime();
            if (response.statusCode() == 503 && attempt < MAX_ATTEMPTS) {
                return later(response, () -> place(customerId, sku, quantity, idempotencyKey, attempt + 1));
            }
            if (response.statusCode() == 201 && await == Await.PREFER) {
                return CompletableFuture.completedFuture(finalResult(JSON.readTree(response.body()), now));
            }
            if (response.statusCode() != 202) {
                throw new RequestFailed(PLACE, "HTTP " + response.statusCode(), abbreviate(response.body()), null);
            }
            // Accepted at once, or a waiting placement whose wait ended first: the long poll takes over.
            String orderId = JSON.readTree(response.body()).get("orderId").asString();
            return awaitFinal(orderId, now, 1);
        });
    }

    /** A final order that came back from a waiting placement, timed by its own creation and final update. */
    private static Result finalResult(JsonNode order, long arrivedNanos) {
        Duration placedToFinal = Duration.between(Instant.parse(order.get("createdAt").asString()),
                Instant.parse(order.get("updatedAt").asString()));
        long accepted = arrivedNanos - Math.max(0, placedToFinal.toNanos());
        return new Result(outcomeOf(order), accepted, arrivedNanos);
    }

    private static Outcome outcomeOf(JsonNode order) {
        JsonNode reason = order.get("reason");
        String reasonText = reason == null || reason.isNull() ? null : reason.asString();
        return Outcome.of(order.get("status").asString(), reasonText);
    }

    private CompletableFuture<Result> awaitFinal(String orderId, long acceptedNanos, int attempt) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/orders/" + orderId + "?wait=" + WAIT))
                .timeout(WAIT.plusSeconds(10))
                .header("X-Api-Key", apiKey)
                .GET()
                .build();
        return send(request, AWAIT).thenCompose(response -> {
            long now = System.nanoTime();
            if (response.statusCode() == 503 && attempt < MAX_ATTEMPTS) {
                return later(response, () -> awaitFinal(orderId, acceptedNanos, attempt + 1));
            }
            if (response.statusCode() != 200) {
                throw new RequestFailed(AWAIT, "HTTP " + response.statusCode(),
                        orderId + ": " + abbreviate(response.body()), null);
            }
            JsonNode order = JSON.readTree(response.body());
            String status = order.get("status").asString();
            if (!"PENDING".equals(status)) {
                return CompletableFuture.completedFuture(new Result(outcomeOf(order), acceptedNanos, now));
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new RequestFailed(AWAIT, "still PENDING after " + attempt + " waits", orderId, null);
            }
            return awaitFinal(orderId, acceptedNanos, attempt + 1);
        });
    }

    /** Sends; a failure to get any answer becomes a {@link RequestFailed} naming the request and the failure's type. */
    private CompletableFuture<HttpResponse<String>> send(HttpRequest request, String name) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).exceptionallyCompose(failure -> {
            Throwable cause = unwrapped(failure);
            return CompletableFuture.failedFuture(
                    new RequestFailed(name, cause.getClass().getSimpleName(), cause.getMessage(), cause));
        });
    }

    /** 503 answers retried so far (the last attempt's 503 is an error, not counted here). */
    long refusalsRetried() {
        return refusalsRetried.sum();
    }

    /** Runs {@code retry} once the {@code Retry-After} (whole seconds) of {@code refusal} has passed. */
    private <T> CompletableFuture<T> later(HttpResponse<?> refusal, Supplier<CompletableFuture<T>> retry) {
        refusalsRetried.increment();
        Executor delayed = CompletableFuture.delayedExecutor(retryAfterSeconds(refusal.headers()), TimeUnit.SECONDS);
        return CompletableFuture.supplyAsync(retry, delayed).thenCompose(future -> future);
    }

    /** {@code Retry-After} in seconds, between 0 and {@value #MAX_RETRY_AFTER_SECONDS}; 1 when absent or a date. */
    static long retryAfterSeconds(HttpHeaders headers) {
        return headers.firstValue("Retry-After")
                .filter(value -> value.matches("\\d{1,9}"))
                .map(Long::parseLong)
                .map(seconds -> Math.min(seconds, MAX_RETRY_AFTER_SECONDS))
                .orElse(DEFAULT_RETRY_AFTER_SECONDS);
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
