package com.sagaworks.order.access;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.order.ClientId;
import com.sagaworks.order.Order;
import com.sagaworks.order.OrderStatus;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiClientsTest {

    private static ApiClients clients(Map<String, ApiClientProperties.Client> configured) {
        return new ApiClients(new ApiClientProperties(configured));
    }

    private static ApiClientProperties.Client client(String key, String... customers) {
        return new ApiClientProperties.Client(key, List.of(customers), true, false);
    }

    private static Order order(String client, String customer) {
        return new Order(OrderId.random(), ClientId.of(client), CustomerId.of(customer), OrderStatus.PENDING, null, null,
                0, Instant.now(), Instant.now(), List.of());
    }

    @Test
    void findsTheClientByItsKeyAndNothingByAnyOther() {
        ApiClients clients = clients(Map.of("shop", client("shop-key-123", "alice"), "backend", client("backend-key", "*")));

        assertThat(clients.byKey("shop-key-123")).hasValueSatisfying(c -> assertThat(c.id()).isEqualTo(ClientId.of("shop")));
        assertThat(clients.byKey("backend-key")).hasValueSatisfying(c -> assertThat(c.anyCustomer()).isTrue());
        assertThat(clients.byKey("shop-key-12")).isEmpty();
        assertThat(clients.byKey("SHOP-KEY-123")).isEmpty();
        assertThat(clients.byKey("")).isEmpty();
    }

    @Test
    void authenticatesAKeyIntoItsClientWithoutKeepingTheKey() {
        ApiClients clients = clients(Map.of("shop", client("shop-key-123", "alice")));

        Authentication authenticated = clients.authenticate(ApiKeyAuthentication.unauthenticated("shop-key-123"));

        assertThat(authenticated.isAuthenticated()).isTrue();
        assertThat(authenticated.getPrincipal()).isInstanceOfSatisfying(ApiClient.class,
                c -> assertThat(c.id().value()).isEqualTo("shop"));
        assertThat(authenticated.getCredentials()).isNull();
        assertThatThrownBy(() -> clients.authenticate(ApiKeyAuthentication.unauthenticated("guess-guess")))
                .isInstanceOf(BadCredentialsException.class);
    }

    @Test
    void leavesADisabledClientOut() {
        ApiClients clients = clients(Map.of("old-shop", new ApiClientProperties.Client("old-shop-key", List.of("*"), false, false)));

        assertThat(clients.byKey("old-shop-key")).isEmpty();
    }

    @Test
    void refusesTwoClientsWithOneKey() {
        Map<String, ApiClientProperties.Client> configured = new LinkedHashMap<>();
        configured.put("a", client("same-key-123", "alice"));
        configured.put("b", client("same-key-123", "bob"));

        assertThatIllegalStateException().isThrownBy(() -> clients(configured)).withMessageContaining("share an API key");
    }

    @Test
    void refusesAnyCustomerMixedWithNamedOnes() {
        assertThatIllegalStateException()
                .isThrownBy(() -> clients(Map.of("shop", client("shop-key-123", "*", "alice"))))
                .withMessageContaining("cannot be combined");
    }

    @Test
    void aClientActsOnlyForItsCustomersAndOwnsOnlyTheOrdersItPlaced() {
        ApiClient shop = new ApiClient(ClientId.of("shop"), Set.of("alice"), false, false);
        ApiClient backend = new ApiClient(ClientId.of("backend"), Set.of(), true, false);

        assertThat(shop.mayActFor(CustomerId.of("alice"))).isTrue();
        assertThat(shop.mayActFor(CustomerId.of("bob"))).isFalse();
        assertThat(backend.mayActFor(CustomerId.of("anyone"))).isTrue();
        assertThat(shop.owns(order("shop", "alice"))).isTrue();
        assertThat(shop.owns(order("other", "alice"))).as("same customer, other client").isFalse();
        assertThat(shop.owns(order("shop", "bob"))).as("a customer no longer the client's").isFalse();
        assertThat(backend.owns(order("shop", "alice"))).as("any customer is not any client").isFalse();
        assertThatThrownBy(() -> shop.requireMayActFor(CustomerId.of("bob"))).isInstanceOf(UnknownCustomerException.class);
        assertThat(shop.mayRead(order("other", "alice"))).isFalse();
    }

    @Test
    void aSupportClientReadsEveryClientsOrdersButOwnsOnlyItsOwn() {
        ApiClient support = new ApiClient(ClientId.of("support"), Set.of(), true, true);

        assertThat(support.mayRead(order("shop", "alice"))).isTrue();
        assertThat(support.owns(order("shop", "alice"))).isFalse();
    }
}
