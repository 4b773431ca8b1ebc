package com.sagaworks.inventory.web;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.Topics;
import com.sagaworks.contracts.inventory.OrderLine;
import com.sagaworks.contracts.inventory.ReserveStock;
import com.sagaworks.inventory.InventoryFixtures;
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

import java.util.List;
import java.util.UUID;

import static com.sagaworks.inventory.InventoryFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API over the demo catalog (profile "demo"), errors as RFC 9457 problem details. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("demo")
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InventoryApiIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "inventory");
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
        kafka = new KafkaTestClient(bootstrapServers, Topics.INVENTORY_REPLIES);
        http = RestClient.create("http://127.0.0.1:" + port);
    }

    @AfterAll
    void disconnect() {
        kafka.close();
    }

    @Test
    void listsTheDemoCatalogOrderedBySku() {
        Response response = get("/products");

        assertThat(response.status().value()).isEqualTo(200);
        assertThat(response.body().valueStream().map(p -> p.get("sku").asString()).toList()).containsExactly(
                "DEMO-BOOK", "DEMO-CABLE", "DEMO-HEADSET", "DEMO-KEYBOARD", "DEMO-LAMP", "DEMO-LAST-5",
                "DEMO-MOUSE", "DEMO-MUG");
    }

    @Test
    void showsOneProductWithPriceAndFreeStock() {
        Response response = get("/products/DEMO-LAST-5");

        assertThat(response.status().value()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(JSON.readTree("""
                {"sku":"DEMO-LAST-5","name":"Limited edition print","priceCents":15000,"available":5}
                """));
    }

    @Test
    void answersAnUnknownProductWithAProblemDetail() {
        Response response = get("/products/NOPE");

        assertThat(response.status().value()).isEqualTo(404);
        assertThat(response.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.body().get("status").asInt()).isEqualTo(404);
        assertThat(response.body().get("title").asString()).isEqualTo("Not Found");
        assertThat(response.body().get("detail").asString()).contains("NOPE");
        assertThat(response.body().get("instance").asString()).isEqualTo("/products/NOPE");
    }

    @Test
    void showsAReservationWithItsPricedLines() {
        SagaId saga = SagaId.random();
        OrderId order = OrderId.random();
        kafka.send(new ReserveStock(saga, order,
                List.of(new OrderLine("DEMO-MUG", 2), new OrderLine("DEMO-BOOK", 1))));
        kafka.awaitOne(Topics.INVENTORY_REPLIES, saga.toString(), TIMEOUT);

        Response response = get("/reservations/" + saga);

        assertThat(response.status().value()).isEqualTo(200);
        JsonNode body = response.body();
        assertThat(body.get("sagaId").asString()).isEqualTo(saga.toString());
        assertThat(body.get("orderId").asString()).isEqualTo(order.toString());
        assertThat(body.get("status").asString()).isEqualTo("RESERVED");
        assertThat(body.get("totalCents").asLong()).isEqualTo(2 * 999 + 1_299);
        assertThat(body.get("lines")).isEqualTo(JSON.readTree("""
                [{"sku":"DEMO-BOOK","quantity":1,"unitPriceCents":1299},
                 {"sku":"DEMO-MUG","quantity":2,"unitPriceCents":999}]
                """));
        new InventoryFixtures(jdbc).awaitOutboxEmpty();
    }

    @Test
    void answersAnUnknownReservationWithAProblemDetail() {
        Response response = get("/reservations/" + UUID.randomUUID());

        assertThat(response.status().value()).isEqualTo(404);
        assertThat(response.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void answersAMalformedSagaIdWithABadRequestProblem() {
        Response response = get("/reservations/not-a-uuid");

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
