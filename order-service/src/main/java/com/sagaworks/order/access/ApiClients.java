package com.sagaworks.order.access;

import com.sagaworks.order.ClientId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configured API clients, found by the key they present. Keys are held only as SHA-256 digests and looked
 * up by digest, so the comparison never runs character by character over a secret. As the single
 * {@link AuthenticationProvider} bean it also tells Spring Boot not to create its default user.
 */
@Component
public class ApiClients implements AuthenticationProvider {

    private static final Logger log = LoggerFactory.getLogger(ApiClients.class);

    private final Map<String, ApiClient> byKeyDigest;

    ApiClients(ApiClientProperties properties) {
        Map<String, ApiClient> clients = new HashMap<>();
        Map<String, String> described = new TreeMap<>();
        properties.clients().forEach((name, config) -> {
            if (!config.enabled()) {
                described.put(name, "disabled");
                return;
            }
            ApiClient client = toClient(name, config);
            ApiClient sameKey = clients.put(digest(config.apiKey()), client);
            if (sameKey != null) {
                throw new IllegalStateException("API clients " + sameKey.id() + " and " + name
                        + " share an API key; every client needs its own");
            }
            described.put(name, (client.anyCustomer() ? "any customer" : client.customers().size() + " customers")
                    + (client.readsAllOrders() ? ", reads all orders" : ""));
        });
        this.byKeyDigest = Map.copyOf(clients);
        // Names and scopes only: keys never reach a log.
        log.info("API clients: {}", described.isEmpty() ? "none (every request will be refused)" : described);
    }

    private static ApiClient toClient(String name, ApiClientProperties.Client config) {
        List<String> customers = config.customers();
        boolean any = customers.contains(ApiClientProperties.ANY_CUSTOMER);
        if (any && customers.size() > 1) {
            throw new IllegalStateException("API client " + name + ": \"" + ApiClientProperties.ANY_CUSTOMER
                    + "\" already means any customer and cannot be combined with named customers");
        }
        return new ApiClient(ClientId.of(name), any ? Set.of() : Set.copyOf(customers), any, config.readsAllOrders());
    }

    /** The client that holds {@code presentedKey}, if any. */
    public Optional<ApiClient> byKey(String presentedKey) {
        return Optional.ofNullable(byKeyDigest.get(digest(presentedKey)));
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String presented = (String) authentication.getCredentials();
        ApiClient client = presented == null ? null : byKey(presented).orElse(null);
        if (client == null) {
            throw new BadCredentialsException("The API key is not valid.");
        }
        return ApiKeyAuthentication.authenticated(client);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return ApiKeyAuthentication.class.isAssignableFrom(authentication);
    }

    private static String digest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
