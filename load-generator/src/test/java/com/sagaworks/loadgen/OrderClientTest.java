package com.sagaworks.loadgen;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
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
    void readsTheAwaitOption() {
        assertThat(OrderClient.Await.parse("prefer")).isEqualTo(OrderClient.Await.PREFER);
        assertThat(OrderClient.Await.parse("long-poll").option()).isEqualTo("long-poll");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OrderClient.Await.parse("poll"))
                .hasMessageContaining("--await");
    }
}
