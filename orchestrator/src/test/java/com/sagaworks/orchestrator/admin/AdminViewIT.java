package com.sagaworks.orchestrator.admin;

import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.inventory.StockRejected;
import com.sagaworks.contracts.inventory.StockReleased;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.contracts.order.OrderCancellationRecorded;
import com.sagaworks.contracts.payment.PaymentRefunded;
import com.sagaworks.orchestrator.engine.SagaStatus;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Stuck causes provoked for real, each operator action, and who may do what. */
class AdminViewIT extends AdminITSupport {

    private static final Logger log = LoggerFactory.getLogger(AdminViewIT.class);
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final List<PricedLine> PRICED = List.of(new PricedLine("SKU-1", 2, 1500));

    @Autowired
    JsonMapper json;

    @Autowired
    AdminService admin;

    @Autowired
    PlatformTransactionManager transactionManager;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    // --- authorization -----------------------------------------------------------------------------------------

    @Test
    void anonymousIsSentToLoginWhileTheOpenSagaApiAndActuatorStayOpen() throws Exception {
        HttpResponse<String> page = http.send(get("/admin").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElseThrow()).endsWith("/login");
        assertThat(send(get("/admin/api/overview")).statusCode()).isEqualTo(401);
        assertThat(send(get("/admin/sagas/" + UUID.randomUUID())).statusCode()).isEqualTo(302);

        assertThat(send(get("/sagas/" + UUID.randomUUID())).statusCode()).isEqualTo(404);
        assertThat(send(get("/actuator/health")).statusCode()).isEqualTo(200);
        assertThat(send(get("/actuator/prometheus")).statusCode()).isEqualTo(200);
    }

    @Test
    void viewerReadsButEveryActionIsForbiddenAndChangesNothing() throws Exception {
        OrderId orderId = placeOrder("viewer-case");
        SagaId saga = sagaOf(orderId);
        awaitCommand(saga, "ReserveStock");
        int version = version(saga);

        assertThat(send(api("viewer", get("/admin/api/sagas/" + saga))).statusCode()).isEqualTo(200);
        assertThat(send(api("viewer", post("/admin/api/sagas/" + saga + "/actions/RETRY",
                "{\"version\":" + version + ",\"reason\":\"try\"}"))).statusCode()).isEqualTo(403);

        FormSession viewer = login("viewer", "viewer-demo");
        assertThat(viewer.get("/admin/sagas/" + saga).statusCode()).isEqualTo(200);
        assertThat(viewer.get("/admin/sagas/" + saga + "/actions/RETRY?version=" + version).statusCode())
                .isEqualTo(403);
        assertThat(viewer.post("/admin/sagas/" + saga + "/actions/RETRY",
                Map.of("version", "" + version, "reason", "try", "_csrf", viewer.csrf)).statusCode()).isEqualTo(403);

        assertThat(version(saga)).isEqualTo(version);
        assertThat(auditRows(saga)).isZero();
        assertThat(awaitCommands(saga, "ReserveStock", 1)).hasSize(1);
    }

    @Test
    void aFormActionWithoutCsrfTokenIsRefusedAndWithItIsAppliedAndAudited() throws Exception {
        OrderId orderId = placeOrder("csrf-case");
        SagaId saga = sagaOf(orderId);
        awaitCommand(saga, "ReserveStock");
        int version = version(saga);
        FormSession operator = login("operator", "operator-demo");

        assertThat(operator.post("/admin/sagas/" + saga + "/actions/RETRY",
                Map.of("version", "" + version, "reason", "no token")).statusCode()).isEqualTo(403);
        assertThat(version(saga)).isEqualTo(version);

        HttpResponse<String> preview = operator.get("/admin/sagas/" + saga + "/actions/RETRY?version=" + version);
        assertThat(preview.body()).contains("ReserveStock").contains("confirm-button");
        HttpResponse<String> done = operator.post("/admin/sagas/" + saga + "/actions/RETRY",
                Map.of("version", "" + version, "reason", "customer called", "_csrf", csrfOf(preview.body())));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(done.headers().firstValue("Location").orElseThrow()).endsWith("/admin/sagas/" + saga);

        assertThat(version(saga)).isEqualTo(version + 1);
        HttpResponse<String> page = operator.get("/admin/sagas/" + saga);
        assertThat(page.body()).contains("OPERATOR").contains("RETRY by operator: customer called");
        assertThat(awaitCommands(saga, "ReserveStock", 2)).extracting(r -> r.messageId()).containsOnly(
                awaitCommand(saga, "ReserveStock").messageId());
        awaitOutboxEmpty();
    }

    // --- stuck causes ------------------------------------------------------------------------------------------

    @Test
    void aReservationNobodyAnswersIsStuckWithNoReplyAndFoundByEveryFilter() throws Exception {
        OrderId orderId = placeOrder("carol");
        SagaId saga = sagaOf(orderId);
        var reserve = awaitCommand(saga, "ReserveStock");

        JsonNode detail = awaitFinding(saga, "NO_REPLY");
        assertThat(detail.at("/diagnosis/stuck").asBoolean()).isTrue();
        assertThat(findingText(detail, "NO_REPLY")).contains(reserve.messageId().toString()).contains("no reply since");
        // the test's participant reads without a consumer group, so the broker shows nobody consuming the topic
        assertThat(findingText(detail, "CONSUMER_LAG")).contains("no consumer group has committed offsets on "
                + Topics.INVENTORY_COMMANDS);
        assertThat(detail.at("/timeline/0/commandsSent/0/id").asString()).isEqualTo(reserve.messageId().toString());
        assertThat(detail.at("/participants/0/participant").asString()).isEqualTo("inventory");

        JsonNode overview = apiJson("/admin/api/overview");
        assertThat(ids(overview.get("needsAttention"))).contains(saga.toString());
        assertThat(overview.at("/countsByStatus/RUNNING").asLong()).isPositive();

        assertThat(ids(apiJson("/admin/api/sagas?orderId=" + orderId).get("sagas"))).containsExactly(saga.toString());
        assertThat(ids(apiJson("/admin/api/sagas?sagaId=" + saga).get("sagas"))).containsExactly(saga.toString());
        assertThat(ids(apiJson("/admin/api/sagas?customer=carol").get("sagas"))).containsExactly(saga.toString());
        assertThat(ids(apiJson("/admin/api/sagas?status=RUNNING&step=RESERVE_STOCK&waitingMinutes=0&customer=carol")
                .get("sagas"))).containsExactly(saga.toString());
        assertThat(ids(apiJson("/admin/api/sagas?status=COMPLETED&customer=carol").get("sagas"))).isEmpty();
        awaitOutboxEmpty();
    }

    @Test
    void aCommandTheRelayHasNotPublishedIsStuckInTheRelayBacklog() throws Exception {
        // another "instance" holds the relay lease, so this one stands by and publishes nothing
        jdbc.sql("UPDATE messaging_relay_lease SET owner = 'admin-it-intruder', expires_at = now() + interval '1 hour'")
                .update();
        SagaId saga;
        try {
            OrderId orderId = placeOrder("dave");
            saga = sagaOf(orderId);
            JsonNode detail = awaitFinding(saga, "RELAY_BACKLOG");
            assertThat(findingText(detail, "RELAY_BACKLOG")).contains("ReserveStock").contains("still in the outbox");
        } finally {
            jdbc.sql("UPDATE messaging_relay_lease SET expires_at = now() - interval '1 second'").update();
        }
        awaitCommand(saga, "ReserveStock");
        awaitOutboxEmpty();
        assertThat(findings(apiJson("/admin/api/sagas/" + saga))).doesNotContain("RELAY_BACKLOG").contains("NO_REPLY");
    }

    @Test
    void aDeadLetteredReplyIsShownAsPoison() throws Exception {
        OrderId orderId = placeOrder("erin");
        SagaId saga = sagaOf(orderId);
        awaitCommand(saga, "ReserveStock");
        UUID poison = UUID.randomUUID();
        kafka.sendRaw(Topics.INVENTORY_REPLIES, saga.toString(), "{not json", Map.of(
                MessageHeaders.MESSAGE_ID, poison.toString(),
                MessageHeaders.MESSAGE_TYPE, "StockReserved",
                MessageHeaders.SAGA_ID, saga.toString()));
        JsonNode detail = awaitFinding(saga, "POISON");
        assertThat(findingText(detail, "POISON")).contains(poison.toString()).contains("undecodable");
        assertThat(status(saga)).isEqualTo("RUNNING");
        awaitOutboxEmpty();
    }

    @Test
    void aRefusedCompensationLeavesTheSagaFailedWithItsLastError() throws Exception {
        SagaId saga = failedSaga("frank");
        JsonNode detail = awaitFinding(saga, "COMPENSATION_FAILING");
        assertThat(findingText(detail, "COMPENSATION_FAILING")).contains("already CONFIRMED");
        assertThat(findings(detail)).contains("FAILED");
        assertThat(ids(apiJson("/admin/api/overview").get("needsAttention"))).contains(saga.toString());
        awaitOutboxEmpty();
    }

    // --- actions -----------------------------------------------------------------------------------------------

    @Test
    void retryResendsTheAwaitedCommandUnderItsIdAndADoubleSubmitChangesNothing() throws Exception {
        OrderId orderId = placeOrder("grace");
        SagaId saga = sagaOf(orderId);
        var reserve = awaitCommand(saga, "ReserveStock");
        awaitOutboxEmpty();
        int version = version(saga);

        JsonNode preview = apiJson("/admin/api/sagas/" + saga + "/actions/RETRY?version=" + version);
        assertThat(preview.get("possible").asBoolean()).isTrue();
        assertThat(preview.at("/outcome/commands/0/id").asString()).isEqualTo(reserve.messageId().toString());
        assertThat(version(saga)).as("a preview writes nothing").isEqualTo(version);

        String body = "{\"version\":" + version + ",\"reason\":\"inventory was restarted\"}";
        HttpResponse<String> first = send(api("operator", post("/admin/api/sagas/" + saga + "/actions/RETRY", body)));
        HttpResponse<String> second = send(api("operator", post("/admin/api/sagas/" + saga + "/actions/RETRY", body)));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json.readTree(second.body()).get("refusal").asString()).contains("moved from version " + version);

        assertThat(awaitCommands(saga, "ReserveStock", 2)).extracting(r -> r.messageId())
                .containsOnly(reserve.messageId());
        assertThat(version(saga)).isEqualTo(version + 1);
        assertThat(historyRows(saga, "OPERATOR")).isEqualTo(1);
        assertThat(auditOutcomes(saga)).containsExactly("APPLIED", "REFUSED");

        reply(reserve, new StockReserved(saga, PRICED, 3000));
        awaitCommand(saga, "ChargePayment");
        awaitOutboxEmpty();
        assertThat(kafka.received(r -> saga.toString().equals(r.key()) && "ReserveStock".equals(r.type())))
                .hasSize(2);
    }

    @Test
    void compensateNowUndoesTheCurrentStepAndEverythingBefore() throws Exception {
        OrderId orderId = placeOrder("heidi");
        SagaId saga = sagaOf(orderId);
        reply(awaitCommand(saga, "ReserveStock"), new StockReserved(saga, PRICED, 3000));
        awaitCommand(saga, "ChargePayment");
        await().atMost(WAIT).until(() -> version(saga) == 2);

        HttpResponse<String> done = send(api("operator", post("/admin/api/sagas/" + saga + "/actions/COMPENSATE",
                "{\"version\":2,\"reason\":\"customer asked by phone\"}")));
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(status(saga)).isEqualTo("COMPENSATING");

        reply(awaitCommand(saga, "RefundPayment"), new PaymentRefunded(saga, 0));
        reply(awaitCommand(saga, "ReleaseStock"), new StockReleased(saga, 2));
        reply(awaitCommand(saga, "CancelOrder"), new OrderCancellationRecorded(saga, true));
        awaitStatus(saga, "COMPENSATED");
        assertThat(jdbc.sql("SELECT failure_reason FROM saga WHERE id = :id").param("id", saga.value())
                .query(String.class).single()).contains("COMPENSATE by operator: customer asked by phone");
        assertThat(auditOutcomes(saga)).containsExactly("APPLIED");
        awaitOutboxEmpty();
    }

    @Test
    void resolvingByHandIsRefusedUntilTheParticipantsAgreeAndNeedsAReason() throws Exception {
        OrderId orderId = placeOrderAndFail("ivan");
        SagaId saga = sagaOf(orderId);
        int version = version(saga);
        participants.report(saga.toString(), orderId.toString(), "{\"status\":\"REJECTED\"}", "[]",
                "{\"status\":\"CONFIRMED\"}");

        JsonNode preview = apiJson("/admin/api/sagas/" + saga + "/actions/RESOLVE_COMPENSATED?version=" + version);
        assertThat(preview.get("possible").asBoolean()).isFalse();
        assertThat(preview.get("objections").get(0).asString()).contains("order is CONFIRMED");

        String body = "{\"version\":" + version + ",\"reason\":\"checked with the shop\"}";
        HttpResponse<String> refused = send(api("operator",
                post("/admin/api/sagas/" + saga + "/actions/RESOLVE_COMPENSATED", body)));
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(status(saga)).isEqualTo("FAILED");
        assertThat(send(api("operator", post("/admin/api/sagas/" + saga + "/actions/RESOLVE_COMPENSATED",
                "{\"version\":" + version + ",\"reason\":\" \"}"))).statusCode()).isEqualTo(400);

        participants.report(saga.toString(), orderId.toString(), "{\"status\":\"REJECTED\"}", "[]",
                "{\"status\":\"CANCELLED\"}");
        HttpResponse<String> applied = send(api("operator",
                post("/admin/api/sagas/" + saga + "/actions/RESOLVE_COMPENSATED", body)));
        assertThat(applied.statusCode()).isEqualTo(200);
        assertThat(status(saga)).isEqualTo("COMPENSATED");
        assertThat(auditOutcomes(saga)).containsExactly("REFUSED", "APPLIED");
        assertThat(historyRows(saga, "OPERATOR")).isEqualTo(1);
        JsonNode detail = apiJson("/admin/api/sagas/" + saga);
        assertThat(detail.at("/participants/2/body/status").asString()).isEqualTo("CANCELLED");
        assertThat(detail.get("actions")).isEmpty();
        awaitOutboxEmpty();
    }

    // --- scale -------------------------------------------------------------------------------------------------

    @Test
    void searchPagesStayFastOver100000Sagas() {
        // inserted RUNNING (a saga can only start so) and ended COMPLETED, spread over 30 days; one transaction with a
        // longer statement timeout than the application's 10 s
        new TransactionTemplate(transactionManager).executeWithoutResult(tx -> {
            jdbc.sql("SET LOCAL statement_timeout = '180s'").update();
            jdbc.sql("""
                    INSERT INTO saga (id, type, business_key, status, current_step, version, data, awaiting_message_id,
                                      deadline_at, created_at)
                    SELECT gen_random_uuid(), 'bulk', 'bulk-' || g, 'RUNNING', 'APPROVE_ORDER', 1,
                           jsonb_build_object('customerId', 'bulk-customer-' || (g % 1000)), gen_random_uuid(),
                           now(), now() - interval '1 hour' - (g * interval '25 seconds')
                    FROM generate_series(1, 100000) g
                    """).update();
            jdbc.sql("""
                    UPDATE saga SET status = 'COMPLETED', current_step = NULL, version = 2,
                                    awaiting_message_id = NULL, deadline_at = NULL
                    WHERE type = 'bulk'
                    """).update();
        });
        jdbc.sql("ANALYZE saga").update();

        Map<String, SagaFilter> filters = new java.util.LinkedHashMap<>();
        filters.put("newest first, no filter", new SagaFilter(null, null, null, null, null, null, null));
        filters.put("status COMPLETED", new SagaFilter(null, null, null, SagaStatus.COMPLETED, null, null, null));
        filters.put("customer", new SagaFilter(null, null, "bulk-customer-42", null, null, null, null));
        filters.put("order id", new SagaFilter(null, "bulk-77777", null, null, null, null, null));
        filters.put("waiting > 5 min at a step", new SagaFilter(null, null, null, SagaStatus.RUNNING, "RESERVE_STOCK", 5, null));
        for (var e : filters.entrySet()) {
            admin.search(e.getValue());
            long worst = 0;
            for (int i = 0; i < 5; i++) {
                worst = Math.max(worst, admin.search(e.getValue()).queryMillis());
            }
            log.info("100k sagas: search '{}' worst of 5: {} ms", e.getKey(), worst);
            assertThat(worst).as(e.getKey()).isLessThan(200);
        }
        // page 200 (rows 10,000 on) by keyset costs the same as page 1
        AdminViews.Page page = admin.search(filters.get("newest first, no filter"));
        for (int i = 0; i < 200; i++) {
            page = admin.search(new SagaFilter(null, null, null, null, null, null, SagaFilter.Cursor.parse(page.next())));
        }
        assertThat(page.sagas()).hasSize(AdminService.PAGE_SIZE);
        log.info("100k sagas: keyset page 201: {} ms", page.queryMillis());
        assertThat(page.queryMillis()).isLessThan(200);
        long started = System.nanoTime();
        admin.overview();
        long overviewMillis = (System.nanoTime() - started) / 1_000_000;
        log.info("100k sagas: overview {} ms", overviewMillis);
        assertThat(overviewMillis).isLessThan(1000);
        assertThat(page.sagas()).allMatch(s -> s.status() == SagaStatus.COMPLETED
                || !s.type().equals("bulk"));
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private OrderId placeOrderAndFail(String customer) {
        OrderId orderId = placeOrder(customer);
        SagaId saga = sagaOf(orderId);
        reply(awaitCommand(saga, "ReserveStock"), new StockRejected(saga, StockRejected.Reason.OUT_OF_STOCK,
                List.of("SKU-1")));
        reply(awaitCommand(saga, "CancelOrder"), new OrderCancellationRecorded(saga, false));
        awaitStatus(saga, "FAILED");
        return orderId;
    }

    private SagaId failedSaga(String customer) {
        return sagaOf(placeOrderAndFail(customer));
    }

    private JsonNode awaitFinding(SagaId saga, String kind) {
        return await().atMost(WAIT).until(() -> apiJson("/admin/api/sagas/" + saga), d -> findings(d).contains(kind));
    }

    private static List<String> findings(JsonNode detail) {
        return detail.at("/diagnosis/findings").valueStream().map(f -> f.get("kind").asString()).toList();
    }

    private static String findingText(JsonNode detail, String kind) {
        return detail.at("/diagnosis/findings").valueStream().filter(f -> kind.equals(f.get("kind").asString()))
                .map(f -> f.get("text").asString()).findFirst().orElseThrow();
    }

    private static List<String> ids(JsonNode rows) {
        return rows.valueStream().map(r -> r.get("sagaId").asString()).toList();
    }

    private long auditRows(SagaId saga) {
        return jdbc.sql("SELECT count(*) FROM saga_operator_action WHERE saga_id = :id").param("id", saga.value())
                .query(Long.class).single();
    }

    private List<String> auditOutcomes(SagaId saga) {
        return jdbc.sql("SELECT outcome FROM saga_operator_action WHERE saga_id = :id ORDER BY id")
                .param("id", saga.value()).query(String.class).list();
    }

    private JsonNode apiJson(String path) throws Exception {
        HttpResponse<String> response = send(api("viewer", get(path)));
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(url(path))).GET();
    }

    private HttpRequest.Builder post(String path, String jsonBody) {
        return HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody));
    }

    private static HttpRequest.Builder api(String user, HttpRequest.Builder request) {
        String password = user + "-demo";
        return request.header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF token in the page").isTrue();
        return m.group(1);
    }

    /** A browser-like session: cookies kept, redirects not followed, form posts. */
    private FormSession login(String user, String password) throws Exception {
        FormSession session = new FormSession();
        HttpResponse<String> loginPage = session.get("/login");
        String token = csrfOf(loginPage.body());
        HttpResponse<String> done = session.post("/login", Map.of("username", user, "password", password,
                "_csrf", token));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(done.headers().firstValue("Location").orElseThrow()).doesNotContain("error");
        session.csrf = csrfOf(session.get("/admin").body());
        return session;
    }

    private final class FormSession {
        private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        private String csrf;

        HttpResponse<String> get(String path) throws Exception {
            return client.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
            String body = form.entrySet().stream()
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return client.send(HttpRequest.newBuilder(URI.create(url(path)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
