package com.sagaworks.order.web;

import com.sagaworks.order.OrderServiceITSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.sagaworks.order.web.ClientAccessIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /orders?customerId=..}: a customer's orders, newest first, a page at a time, one client's only. */
class OrderListingIT extends OrderServiceITSupport {

    @Test
    void pagesThroughACustomersOrdersNewestFirst() {
        String customer = "pager-" + UUID.randomUUID();
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            placed.add(placeOrder(customer, Map.of("SKU-" + i, i + 1)).toString());
        }
        placeOrder("someone-else-" + UUID.randomUUID(), Map.of("SKU-OTHER", 1));

        JsonNode first = page(DEMO_SHOP_KEY, customer, 0, 2);
        JsonNode second = page(DEMO_SHOP_KEY, customer, 1, 2);
        JsonNode third = page(DEMO_SHOP_KEY, customer, 2, 2);

        assertThat(ids(first)).containsExactly(placed.get(4), placed.get(3));
        assertThat(ids(second)).containsExactly(placed.get(2), placed.get(1));
        assertThat(ids(third)).containsExactly(placed.get(0));
        assertThat(first.get("hasNext").asBoolean()).isTrue();
        assertThat(second.get("hasNext").asBoolean()).isTrue();
        assertThat(third.get("hasNext").asBoolean()).isFalse();
        assertThat(first.get("page").asInt()).isZero();
        assertThat(first.get("size").asInt()).isEqualTo(2);
        JsonNode newest = first.get("items").get(0);
        assertThat(newest.get("customerId").asString()).isEqualTo(customer);
        assertThat(newest.get("status").asString()).isEqualTo("PENDING");
        assertThat(newest.get("lines").get(0).get("sku").asString()).isEqualTo("SKU-4");
        assertThat(newest.get("lines").get(0).get("quantity").asInt()).isEqualTo(5);
    }

    @Test
    void showsEachClientOnlyTheOrdersItPlaced() {
        String customer = "alice";
        UUID fromA = placeOrder(SHOP_A_KEY, customer, Map.of("SKU-A", 1));
        UUID fromB = placeOrder(SHOP_B_KEY, customer, Map.of("SKU-B", 1));

        List<String> seenByB = ids(page(SHOP_B_KEY, customer, 0, 100));
        List<String> seenByA = ids(page(SHOP_A_KEY, customer, 0, 100));

        assertThat(seenByB).contains(fromB.toString()).doesNotContain(fromA.toString());
        assertThat(seenByA).contains(fromA.toString()).doesNotContain(fromB.toString());
        assertThat(ids(page(DEMO_SHOP_KEY, customer, 0, 100))).doesNotContain(fromA.toString(), fromB.toString());
    }

    @Test
    void answersAnEmptyLastPageBeyondTheEnd() {
        JsonNode page = page(SHOP_B_KEY, "carol", 7, 10);

        assertThat(page.get("items")).isEmpty();
        assertThat(page.get("hasNext").asBoolean()).isFalse();
        assertThat(page.get("page").asInt()).isEqualTo(7);
    }

    @Test
    void shortensAnOversizedPageToTheMaximum() {
        JsonNode page = page(SHOP_A_KEY, "bob", 0, 5000);

        assertThat(page.get("size").asInt()).isEqualTo(100);
    }

    @Test
    void refusesToListACustomerOfAnotherClient() {
        HttpResponse<String> response = get(SHOP_A_KEY, "/orders?customerId=carol");

        JsonNode problem = assertProblem(response, 422);
        assertThat(problem.get("type").asString()).isEqualTo("urn:sagaworks:problem:unknown-customer");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"customerId=alice&page=-1", "customerId=alice&size=0", "customerId=alice&page=1001",
            "customerId=alice&page=x", "customerId=alice&size=99999999999", "customerId=", "customerId=%20",
            "customerId=%00", "page=0"})
    void refusesInvalidListingParameters(String query) {
        HttpResponse<String> response = get(SHOP_A_KEY, "/orders?" + query);

        JsonNode problem = assertProblem(response, 400);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }

    private JsonNode page(String apiKey, String customer, int page, int size) {
        HttpResponse<String> response = get(apiKey, "/orders?customerId=" + customer + "&page=" + page + "&size=" + size);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("orderId").asString()));
        return ids;
    }
}
