package com.sagaworks.orchestrator.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpClient;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Each participant's own record of a saga, read over HTTP from its service. The three calls run side by side with
 * a short timeout, never inside a transaction; a service that does not answer is shown as unavailable.
 */
@Component
class ParticipantStates {

    private static final Logger log = LoggerFactory.getLogger(ParticipantStates.class);

    private final RestClient http;
    private final AdminProperties.Participants participants;
    private final JsonMapper json;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    ParticipantStates(AdminProperties properties, JsonMapper json) {
        this.participants = properties.participants();
        this.json = json;
        HttpClient client = HttpClient.newBuilder().connectTimeout(participants.timeout()).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
        factory.setReadTimeout(participants.timeout());
        this.http = RestClient.builder().requestFactory(factory).build();
    }

    /** What one participant holds for the saga. {@code found} is false on 404: it never saw the saga. */
    public record State(String participant, String url, boolean available, boolean found, JsonNode body,
                        String error) {
    }

    List<State> of(UUID sagaId, String orderId) {
        var inventory = fetch("inventory", participants.inventoryUrl() + "/reservations/" + sagaId, false);
        var payment = fetch("payment", participants.paymentUrl() + "/payments/" + sagaId, false);
        var order = fetch("order", participants.orderUrl() + "/orders/" + orderId, true);
        return List.of(inventory.join(), payment.join(), order.join());
    }

    private CompletableFuture<State> fetch(String participant, String url, boolean apiKey) {
        return CompletableFuture.supplyAsync(() -> get(participant, url, apiKey), executor);
    }

    private State get(String participant, String url, boolean apiKey) {
        try {
            return http.get().uri(url)
                    .headers(h -> {
                        if (apiKey) {
                            h.set("X-Api-Key", participants.orderApiKey());
                        }
                    })
                    .exchange((request, response) -> {
                        HttpStatusCode status = response.getStatusCode();
                        if (status.value() == 404) {
                            return new State(participant, url, true, false, null, null);
                        }
                        if (!status.is2xxSuccessful()) {
                            return new State(participant, url, false, false, null, "HTTP " + status.value());
                        }
                        return new State(participant, url, true, true, json.readTree(response.getBody()), null);
                    });
        } catch (RestClientException | IllegalArgumentException e) {
            // shown on the page as "unavailable"; logged so a misconfigured URL is visible in the logs too
            log.warn("participant {} unavailable at {}: {}", participant, url, e.toString());
            return new State(participant, url, false, false, null, e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
    }
}
