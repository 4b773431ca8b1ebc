package com.sagaworks.order.access;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.util.List;
import java.util.Map;

/**
 * The API clients, by name:
 *
 * <pre>
 * sagaworks.orders.clients:
 *   web-shop:
 *     api-key: ${WEB_SHOP_API_KEY}
 *     customers: [alice, bob]      # or ["*"] for a trusted backend acting for any customer
 *     enabled: true                # false switches a client off without deleting it
 *     reads-all-orders: false      # true for a support tool that reads every client's orders
 * </pre>
 */
@Validated
@ConfigurationProperties("sagaworks.orders")
public record ApiClientProperties(@DefaultValue Map<String, @Valid @NotNull Client> clients) {

    public static final String ANY_CUSTOMER = "*";

    /**
     * @param apiKey         the secret the client sends in {@code X-Api-Key}; unique among clients
     * @param customers      the customer ids the client may act for, or {@code ["*"]} for any
     * @param readsAllOrders may read any client's orders (support tools); writes stay its own
     */
    public record Client(@NotBlank @Size(min = 8, max = 256) String apiKey,
                         @NotEmpty List<@NotBlank @Size(max = 64) String> customers,
                         @DefaultValue("true") boolean enabled,
                         @DefaultValue("false") boolean readsAllOrders) {
    }
}
