package com.sagaworks.loadgen;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class OrderClientTest {

    @Test
    void countsAFailureByRequestAndWhatWentWrongWithoutTheOrdersId() {
        var timeout = new OrderClient.RequestFailed("POST /orders", "HttpTimeoutException", "request timed out",
                new HttpTimeoutException("request timed out"));
        var pending = new OrderClient.RequestFailed("GET /orders/{id}?wait", "still PENDING after 4 waits",
                "3d0c8f1e-0000-4000-8000-000000000001", null);

        assertThat(OrderClient.kindOf(new CompletionException(timeout))).isEqualTo("POST /orders: HttpTimeoutException");
        assertThat(OrderClient.kindOf(new CompletionException(new CompletionException(pending))))
                .isEqualTo("GET /orders/{id}?wait: still PENDING after 4 waits");
        assertThat(pending.getMessage()).contains("3d0c8f1e-0000-4000-8000-000000000001");
    }

    @Test
    void namesAnyOtherFailureByItsType() {
        assertThat(OrderClient.kindOf(new CompletionException(new ConnectException("refused"))))
                .isEqualTo("ConnectException");
        assertThat(OrderClient.kindOf(new IllegalStateException("x"))).isEqualTo("IllegalStateException");
    }

    @Test
    void waitsTheRetryAfterOfARefusalWithinBounds() {
        assertThat(OrderClient.retryAfterSeconds(headers("2"))).isEqualTo(2);
        assertThat(OrderClient.retryAfterSeconds(headers("0"))).isZero();
        assertThat(OrderClient.retryAfterSeconds(headers("3600"))).as("shortened").isEqualTo(10);
        assertThat(OrderClient.retryAfterSeconds(headers("Wed, 21 Oct 2026 07:28:00 GMT"))).as("a date").isEqualTo(1);
        assertThat(OrderClient.retryAfterSeconds(HttpHeaders.of(Map.of(), (name, value) -> true))).as("none")
                .isEqualTo(1);
    }

    private static HttpHeaders headers(String retryAfter) {
        return HttpHeaders.of(Map.of("Retry-After", List.of(retryAfter)), (name, value) -> true);
    }

    @Test
    void readsTheAwaitOption() {
        assertThat(OrderClient.Await.parse("prefer")).isEqualTo(OrderClient.Await.PREFER);
        assertThat(OrderClient.Await.parse("long-poll").option()).isEqualTo("long-poll");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OrderClient.Await.parse("poll"))
                .hasMessageContaining("--await");
    }
}
