package com.sagaworks.order.web;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.order.ApproveOrder;
import com.sagaworks.order.OrderServiceITSupport;
import com.sagaworks.order.watch.OrderWatchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Learning an order's outcome without polling: the long poll ({@code ?wait=}) and the event stream. Outcomes
 * are driven the way the saga drives them (ApproveOrder over Kafka) or by a plain SQL update, which stands for
 * a change made by another order-service instance: either way only PostgreSQL's notification wakes the
 * waiting request. Every test also checks that no watch is left behind.
 */
// Frequent heartbeats notice a departed stream client quickly.
@TestPropertySource(properties = "sagaworks.orders.api.heartbeat-interval=200ms")
class OrderWaitingIT extends OrderServiceITSupport {

    private static final HttpClient STREAMING = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Autowired
    private OrderWatchers watchers;

    @Autowired
    private OrderEventStreams streams;

    @AfterEach
    void leavesNoWatchBehind() {
        await().atMost(TIMEOUT).until(() -> watchers.watching() == 0 && streams.openStreams() == 0);
    }

    @Test
    void aWaitAnswersAsSoonAsTheOrderIsConfirmed() throws Exception {
        UUID orderId = placeOrder("alice", Map.of("SKU-TEA", 2));
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> waiting = getAsync("/orders/" + orderId + "?wait=PT25S");
        await().atMost(TIMEOUT).until(() -> watchers.watching() == 1);

        approve(orderId, "SKU-TEA", 2, 450);

        HttpResponse<String> response = waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode order = json(response);
        assertThat(order.get("status").asString()).isEqualTo("CONFIRMED");
        assertThat(order.get("totalCents").asLong()).isEqualTo(900);
        assertThat(took).as("answered on the change, long before the end of the wait").isLessThan(Duration.ofSeconds(20));
        assertThat(statusOf(orderId)).isEqualTo("CONFIRMED");
    }

    @Test
    void aWaitWakesOnAChangeCommittedOutsideThisInstance() throws Exception {
        UUID orderId = placeOrder("bob", Map.of("SKU-PEN", 1));
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> waiting = getAsync("/orders/" + orderId + "?wait=PT25S");
        await().atMost(TIMEOUT).until(() -> watchers.watching() == 1);

        // What the saga's handler on another instance would commit; nothing in this JVM is told about it.
        jdbc.sql("UPDATE orders SET status = 'CANCELLED', reason = 'TIMED_OUT', version = version + 1 WHERE id = :id")
                .param("id", orderId).update();

        HttpResponse<String> response = waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asString()).isEqualTo("CANCELLED");
        assertThat(json(response).get("reason").asString()).isEqualTo("TIMED_OUT");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aWaitEndsWithThePendingOrderWhenNothingHappens() {
        UUID orderId = placeOrder("carol", Map.of("SKU-CUP", 1));
        long start = System.nanoTime();

        HttpResponse<String> response = get("/orders/" + orderId + "?wait=PT1S");

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asString()).isEqualTo("PENDING");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(10));
        assertThat(statusOf(orderId)).isEqualTo("PENDING");
    }

    @Test
    void aWaitForAFinalOrderAnswersAtOnce() {
        UUID orderId = placeOrder("erin", Map.of("SKU-BAG", 1));
        jdbc.sql("UPDATE orders SET status = 'CANCELLED', reason = 'OUT_OF_STOCK', version = version + 1 WHERE id = :id")
                .param("id", orderId).update();
        long start = System.nanoTime();

        HttpResponse<String> response = get("/orders/" + orderId + "?wait=PT25S");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(json(response).get("status").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void aWaitShorterThanAMillisecondAnswersAtOnce() {
        UUID orderId = placeOrder("erin", Map.of("SKU-DOT", 1));
        long start = System.nanoTime();

        HttpResponse<String> response = get("/orders/" + orderId + "?wait=PT0.0001S");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("status").asString()).isEqualTo("PENDING");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "wait={0}")
    @ValueSource(strings = {"5s", "PT", "-PT1S", "P1000000000000000D", "PT99999999999999999999S", "' OR 1=1 --", ""})
    void refusesAWaitThatIsNotANonNegativeIsoDuration(String wait) {
        UUID orderId = placeOrder("frank", Map.of("SKU-BOX", 1));

        HttpResponse<String> response = get("/orders/" + orderId + "?wait=" + URLEncoder.encode(wait, StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json(response);
        assertThat(problem.get("type").asString()).isEqualTo("urn:sagaworks:problem:invalid-request");
        assertThat(problem.get("errors")).anySatisfy(error -> assertThat(error.get("field").asString()).isEqualTo("wait"));
        assertThat(watchers.watching()).isZero();
    }

    @Test
    void aWaitOnAnotherClientsOrderIsNotFoundAndLeavesNoWatch() {
        UUID orderId = placeOrder(SHOP_A_KEY, "alice", Map.of("SKU-KEY", 1));

        HttpResponse<String> response = get(SHOP_B_KEY, "/orders/" + orderId + "?wait=PT25S");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("type").asString()).isEqualTo("urn:sagaworks:problem:order-not-found");
        assertThat(watchers.watching()).isZero();
    }

    @Test
    void aPlacementThatPrefersToWaitAnswersWithTheConfirmedOrder() throws Exception {
        String key = newKey();
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> waiting = placeAsync(key, orderBody("alice", Map.of("SKU-KETTLE", 3)),
                "return=minimal, wait=25");
        // The new order is watched from before its creation, without reading it.
        await().atMost(TIMEOUT).until(() -> watchers.watching() == 1 && ordersWithKey(key) == 1);
        UUID orderId = orderWithKey(key);

        approve(orderId, "SKU-KETTLE", 3, 700);

        HttpResponse<String> response = waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.headers().firstValue("Location")).contains("/orders/" + orderId);
        assertThat(response.headers().firstValue("Preference-Applied")).contains("wait=25");
        assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
        JsonNode order = json(response);
        assertThat(order.get("orderId").asString()).isEqualTo(orderId.toString());
        assertThat(order.get("status").asString()).isEqualTo("CONFIRMED");
        assertThat(order.get("totalCents").asLong()).isEqualTo(2100);
        assertThat(order.get("lines").get(0).get("unitPriceCents").asLong()).isEqualTo(700);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered on the change").isLessThan(Duration.ofSeconds(20));
        assertThat(count("SELECT count(*) FROM orders WHERE idempotency_key = :key", Map.of("key", key))).isOne();
    }

    @Test
    void aPlacementWhoseWaitEndsFirstAnswersAcceptedAndPending() {
        String key = newKey();
        long start = System.nanoTime();

        HttpResponse<String> response = place(key, orderBody("carol", Map.of("SKU-SPOON", 1)), "wait=1");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(response.headers().firstValue("Preference-Applied")).contains("wait=1");
        UUID orderId = orderWithKey(key);
        assertThat(response.headers().firstValue("Location")).contains("/orders/" + orderId);
        assertThat(json(response).get("orderId").asString()).isEqualTo(orderId.toString());
        assertThat(json(response).get("status").asString()).isEqualTo("PENDING");
        assertThat(statusOf(orderId)).isEqualTo("PENDING");
    }

    @Test
    void aReplayOfAPendingOrderThatPrefersToWaitAnswersWhenItIsConfirmed() throws Exception {
        String key = newKey();
        String body = orderBody("ivan", Map.of("SKU-BOWL", 2));
        UUID orderId = UUID.fromString(json(place(key, body, "wait=0")).get("orderId").asString());

        CompletableFuture<HttpResponse<String>> replay = placeAsync(key, body, "wait=25");
        await().atMost(TIMEOUT).until(() -> watchers.watching() == 1);
        approve(orderId, "SKU-BOWL", 2, 350);

        HttpResponse<String> response = replay.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(json(response).get("orderId").asString()).isEqualTo(orderId.toString());
        assertThat(json(response).get("status").asString()).isEqualTo("CONFIRMED");
        assertThat(json(response).get("totalCents").asLong()).isEqualTo(700);
        assertThat(ordersWithKey(key)).isOne();
    }

    @Test
    void aPlacementThatPrefersToWaitWithAReusedKeyIsRefusedAndLeavesNoWatch() {
        String key = newKey();
        place(key, orderBody("judy", Map.of("SKU-PLATE", 1)), "wait=0");

        HttpResponse<String> reused = place(key, orderBody("judy", Map.of("SKU-PLATE", 2)), "wait=25");

        assertThat(reused.statusCode()).as(reused.body()).isEqualTo(422);
        assertThat(json(reused).get("type").asString()).isEqualTo("urn:sagaworks:problem:idempotency-key-reused");
        assertThat(ordersWithKey(key)).isOne();
        assertThat(watchers.watching()).isZero();
    }

    @Test
    void waitsOnOrdersThatChangeInOneCommitAllAnswer() throws Exception {
        List<UUID> orderIds = List.of(placeOrder("kim", Map.of("SKU-A1", 1)), placeOrder("kim", Map.of("SKU-A2", 2)),
                placeOrder("kim", Map.of("SKU-A3", 3)));
        List<CompletableFuture<HttpResponse<String>>> waiting = orderIds.stream()
                .map(id -> getAsync("/orders/" + id + "?wait=PT25S")).toList();
        await().atMost(TIMEOUT).until(() -> watchers.watching() == orderIds.size());

        // As a consumer batch of another instance would: one commit, a notification per order.
        jdbc.sql("""
                        UPDATE orders SET status = 'CANCELLED', reason = 'OUT_OF_STOCK', version = version + 1
                         WHERE id = ANY (CAST(:ids AS uuid[]))""")
                .param("ids", orderIds.stream().map(UUID::toString).toArray(String[]::new)).update();

        for (int i = 0; i < orderIds.size(); i++) {
            HttpResponse<String> response = waiting.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).get("orderId").asString()).isEqualTo(orderIds.get(i).toString());
            assertThat(json(response).get("status").asString()).isEqualTo("CANCELLED");
            assertThat(json(response).get("lines").get(0).get("quantity").asInt()).isEqualTo(i + 1);
        }
    }

    @Test
    void aReplayOfAFinalOrderThatPrefersToWaitAnswersAtOnceWithTheOrder() {
        String key = newKey();
        String body = orderBody("erin", Map.of("SKU-JUG", 2));
        UUID orderId = UUID.fromString(json(place(key, body, "wait=0")).get("orderId").asString());
        jdbc.sql("UPDATE orders SET status = 'CANCELLED', reason = 'OUT_OF_STOCK', version = version + 1 WHERE id = :id")
                .param("id", orderId).update();
        long start = System.nanoTime();

        HttpResponse<String> replay = place(key, body, "wait=25");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(201);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(json(replay).get("orderId").asString()).isEqualTo(orderId.toString());
        assertThat(json(replay).get("reason").asString()).isEqualTo("OUT_OF_STOCK");
        assertThat(count("SELECT count(*) FROM orders WHERE idempotency_key = :key", Map.of("key", key))).isOne();
    }

    @ParameterizedTest(name = "Prefer: {0}")
    @ValueSource(strings = {"wait=0", "wait=soon", "wait=-1", "respond-async", "return=representation"})
    void aPlacementWithoutAUsableWaitAnswersAtOnceAsUsual(String prefer) {
        String key = newKey();
        long start = System.nanoTime();

        HttpResponse<String> response = place(key, orderBody("frank", Map.of("SKU-TRAY", 1)), prefer);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.headers().firstValue("Preference-Applied")).isEmpty();
        UUID orderId = orderWithKey(key);
        assertThat(json(response).get("orderId").asString()).isEqualTo(orderId.toString());
        assertThat(json(response).get("status").asString()).isEqualTo("PENDING");
    }

    @Test
    void aPlacementThatPrefersToWaitIsStillValidatedAndChangesNothingWhenRefused() {
        HttpResponse<String> noKey = send(request(DEMO_SHOP_KEY, "/orders").header("Content-Type", "application/json")
                .header("Prefer", "wait=25").POST(HttpRequest.BodyPublishers.ofString(orderBody("gina", Map.of("SKU-X", 1))))
                .build());
        HttpResponse<String> badBody = place(newKey(), "{\"customerId\": \"gina\", \"lines\": []}", "wait=25");

        assertThat(noKey.statusCode()).as(noKey.body()).isEqualTo(400);
        assertThat(badBody.statusCode()).as(badBody.body()).isEqualTo(400);
        assertThat(json(badBody).get("type").asString()).isEqualTo("urn:sagaworks:problem:invalid-request");
        assertThat(count("SELECT count(*) FROM orders WHERE customer_id = 'gina'")).isZero();
        assertThat(watchers.watching()).isZero();
    }

    @Test
    void theEventStreamSendsPendingThenConfirmedAndEnds() throws Exception {
        UUID orderId = placeOrder("grace", Map.of("SKU-CAP", 4));
        EventStream stream = openStream(DEMO_SHOP_KEY, orderId);
        assertThat(stream.response.statusCode()).isEqualTo(200);
        assertThat(stream.response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        await().atMost(TIMEOUT).until(() -> stream.events.size() == 1);

        approve(orderId, "SKU-CAP", 4, 100);

        stream.done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(stream.events).extracting(Event::name).containsOnly("status");
        assertThat(stream.events).extracting(Event::id).containsExactly("0", "1");
        assertThat(stream.events).extracting(event -> JSON.readTree(event.data()).get("status").asString())
                .containsExactly("PENDING", "CONFIRMED");
        assertThat(JSON.readTree(stream.events.get(1).data()).get("totalCents").asLong()).isEqualTo(400);
        assertThat(statusOf(orderId)).isEqualTo("CONFIRMED");
    }

    @Test
    void theEventStreamOfAFinalOrderSendsItOnceAndEnds() throws Exception {
        UUID orderId = placeOrder("heidi", Map.of("SKU-MUG", 1));
        jdbc.sql("UPDATE orders SET status = 'CANCELLED', reason = 'PAYMENT_DECLINED', version = version + 1 WHERE id = :id")
                .param("id", orderId).update();

        EventStream stream = openStream(DEMO_SHOP_KEY, orderId);

        stream.done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(stream.events).hasSize(1);
        assertThat(JSON.readTree(stream.events.getFirst().data()).get("reason").asString()).isEqualTo("PAYMENT_DECLINED");
    }

    @Test
    void theEventStreamOfAnotherClientsOrderIsNotFound() {
        UUID orderId = placeOrder(SHOP_A_KEY, "bob", Map.of("SKU-LAMP", 1));

        HttpResponse<String> response = send(request(SHOP_B_KEY, "/orders/" + orderId + "/events")
                .header("Accept", "text/event-stream").GET().build());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(watchers.watching()).isZero();
    }

    @Test
    void aClientThatLeavesAnEventStreamNoLongerHoldsAWatch() throws Exception {
        UUID orderId = placeOrder("ivan", Map.of("SKU-ONE", 1));
        EventStream stream = openStream(DEMO_SHOP_KEY, orderId);
        await().atMost(TIMEOUT).until(() -> stream.events.size() == 1);
        assertThat(watchers.watching()).isOne();

        stream.body.close();

        // The next heartbeat (every 200 ms here) fails to write and ends the stream.
        await().atMost(TIMEOUT).until(() -> watchers.watching() == 0 && streams.openStreams() == 0);
        assertThat(statusOf(orderId)).isEqualTo("PENDING");
    }

    private void approve(UUID orderId, String sku, int quantity, long unitPriceCents) {
        kafka.send(new ApproveOrder(SagaId.random(), OrderId.of(orderId),
                List.of(new PricedLine(sku, quantity, unitPriceCents)), quantity * unitPriceCents));
    }

    private HttpRequest placement(String idempotencyKey, String body, String prefer) {
        return request(DEMO_SHOP_KEY, "/orders").header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey).header("Prefer", prefer)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> place(String idempotencyKey, String body, String prefer) {
        return send(placement(idempotencyKey, body, prefer));
    }

    private CompletableFuture<HttpResponse<String>> placeAsync(String idempotencyKey, String body, String prefer) {
        return STREAMING.sendAsync(placement(idempotencyKey, body, prefer), HttpResponse.BodyHandlers.ofString());
    }

    private long ordersWithKey(String idempotencyKey) {
        return count("SELECT count(*) FROM orders WHERE idempotency_key = :key", Map.of("key", idempotencyKey));
    }

    private UUID orderWithKey(String idempotencyKey) {
        return jdbc.sql("SELECT id FROM orders WHERE idempotency_key = :key").param("key", idempotencyKey)
                .query(UUID.class).single();
    }

    private CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return STREAMING.sendAsync(request(DEMO_SHOP_KEY, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One server-sent event as received. */
    record Event(String name, String id, String data) {
    }

    /** An open event stream; {@code events} fills as they arrive, {@code done} completes at its end. */
    private record EventStream(HttpResponse<InputStream> response, InputStream body, List<Event> events,
                               CompletableFuture<Void> done) {
    }

    private EventStream openStream(String apiKey, UUID orderId) throws Exception {
        HttpResponse<InputStream> response = STREAMING.send(request(apiKey, "/orders/" + orderId + "/events")
                .timeout(TIMEOUT).header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        List<Event> events = new CopyOnWriteArrayList<>();
        InputStream body = response.body();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> readEvents(body, events));
        return new EventStream(response, body, events, done);
    }

    /** Reads {@code event:}, {@code id:} and {@code data:} fields; a blank line ends an event. */
    private static void readEvents(InputStream body, List<Event> events) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = null;
            String id = null;
            StringBuilder data = new StringBuilder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(name, id, data.toString()));
                    }
                    name = null;
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring("event:".length()).strip();
                } else if (line.startsWith("id:")) {
                    id = line.substring("id:".length()).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()).strip());
                }
            }
        } catch (IOException e) {
            // Expected when the test closes the stream itself.
            throw new UncheckedIOException(e);
        }
    }
}
