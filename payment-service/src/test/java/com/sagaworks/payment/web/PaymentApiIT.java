package com.sagaworks.payment.web;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.payment.ChargePayment;
import com.sagaworks.payment.PaymentFixtures;
import com.sagaworks.testing.KafkaTestClient;
import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.UUID;

import static com.sagaworks.payment.PaymentFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API over the demo accounts (profile "demo"), errors as RFC 9457 problem details. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("demo")
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentApiIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "payment");
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    KafkaTestClient kafka;
    RestClient http;

    record Response(HttpStatusCode status, MediaType contentType, JsonNode body) {
    }

    @BeforeAll
    void connect() {
        kafka = new KafkaTestClient(bootstrapServers, Topics.PAYMENT_REPLIES);
        http = RestClient.create("http://127.0.0.1:" + port);
    }

    @AfterAll
    void disconnect() {
        kafka.close();
    }

    @Test
    void showsTheDemoAccounts() {
        assertThat(get("/accounts/carol").body())
                .isEqualTo(JSON.readTree("{\"customerId\":\"carol\",\"balanceCents\":0}"));
        assertThat(get("/accounts/bob").body())
                .isEqualTo(JSON.readTree("{\"customerId\":\"bob\",\"balanceCents\":50000}"));
    }

    @Test
    void answersAnUnknownAccountWithAProblemDetail() {
        Response response = get("/accounts/mallory");

        assertThat(response.status().value()).isEqualTo(404);
        assertThat(response.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.body().get("status").asInt()).isEqualTo(404);
        assertThat(response.body().get("detail").asString()).contains("mallory");
        assertThat(response.body().get("instance").asString()).isEqualTo("/accounts/mallory");
    }

    @Test
    void showsWhatASagaWasCharged() {
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        kafka.send(new ChargePayment(saga, order, CustomerId.of("alice"), 12_345));
        kafka.awaitOne(Topics.PAYMENT_REPLIES, saga.toString(), TIMEOUT);

        Response response = get("/payments/" + saga);

        assertThat(response.status().value()).isEqualTo(200);
        assertThat(response.body()).hasSize(1);
        JsonNode charge = response.body().get(0);
        assertThat(charge.get("sagaId").asString()).isEqualTo(saga.toString());
        assertThat(charge.get("orderId").asString()).isEqualTo(order.toString());
        assertThat(charge.get("customerId").asString()).isEqualTo("alice");
        assertThat(charge.get("kind").asString()).isEqualTo("CHARGE");
        assertThat(charge.get("amountCents").asLong()).isEqualTo(12_345);
        assertThat(get("/accounts/alice").body().get("balanceCents").asLong()).isEqualTo(1_000_000 - 12_345);
        new PaymentFixtures(jdbc).awaitOutboxEmpty();
    }

    @Test
    void showsNoPaymentsForASagaThatWasNeverCharged() {
        Response response = get("/payments/" + UUID.randomUUID());

        assertThat(response.status().value()).isEqualTo(200);
        assertThat(response.body().isArray()).isTrue();
        assertThat(response.body()).isEmpty();
    }

    @Test
    void answersAMalformedSagaIdWithABadRequestProblem() {
        Response response = get("/payments/not-a-uuid");

        assertThat(response.status().value()).isEqualTo(400);
        assertThat(response.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void reportsItselfHealthy() {
        Response response = get("/actuator/health");

        assertThat(response.status().value()).isEqualTo(200);
        assertThat(response.body().get("status").asString()).isEqualTo("UP");
    }

    @Test
    void databaseSessionsGiveUpOnLocksAndStuckTransactionsQuickly() {
        assertThat(jdbc.sql("SHOW lock_timeout").query(String.class).single()).isEqualTo("2s");
        assertThat(jdbc.sql("SHOW statement_timeout").query(String.class).single()).isEqualTo("10s");
        assertThat(jdbc.sql("SHOW idle_in_transaction_session_timeout").query(String.class).single())
                .isEqualTo("30s");
    }

    private Response get(String path) {
        return http.get().uri(path).exchange((request, response) -> new Response(
                response.getStatusCode(),
                response.getHeaders().getContentType(),
                JSON.readTree(response.getBody().readAllBytes())));
    }
}
