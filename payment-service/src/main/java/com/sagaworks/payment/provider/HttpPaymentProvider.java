package com.sagaworks.payment.provider;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.payment.PaymentDeclined;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.HttpMessageConversionException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.Locale;

/**
 * The external provider, over HTTP. Its protocol:
 * <ul>
 *   <li>{@code POST /charges} with header {@code Idempotency-Key} and {@code {"customerId", "amountCents"}};</li>
 *   <li>{@code POST /refunds} with header {@code Idempotency-Key} and {@code {"chargeKey", "customerId",
 *       "amountCents"}};</li>
 *   <li>{@code GET /operations/{key}}: what became of the operation under that key, 404 if never received.</li>
 * </ul>
 * A decision is {@code 200 {"status": "SUCCEEDED"}} or {@code 200 {"status": "DECLINED", "reason": "..."}}; a
 * repeated key answers the first decision again. Anything else (timeout, refused connection, 5xx, 409 for a
 * key still being processed, an unreadable body) is {@link ProviderOutcome.Unknown}.
 *
 * <p>Never call it inside a transaction: a call may take the whole read timeout.
 */
public class HttpPaymentProvider implements PaymentProvider, AutoCloseable {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    record ChargeRequest(String customerId, long amountCents) {
    }

    record RefundRequest(String chargeKey, String customerId, long amountCents) {
    }

    record Decision(String status, String reason) {
    }

    private final HttpClient client;
    private final RestClient http;

    public HttpPaymentProvider(PaymentsProperties.Http settings) {
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .build();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(client);
        requests.setReadTimeout(settings.readTimeout());
        this.http = RestClient.builder()
                .baseUrl(settings.baseUrl().toString())
                .requestFactory(requests)
                .build();
    }

    @Override
    public ProviderOutcome charge(IdempotencyKey key, CustomerId customer, long amountCents) {
        return post("/charges", key, new ChargeRequest(customer.value(), amountCents));
    }

    @Override
    public ProviderOutcome refund(IdempotencyKey key, CustomerId customer, long amountCents) {
        return post("/refunds", key, new RefundRequest(key.chargeKey().value(), customer.value(), amountCents));
    }

    @Override
    public ProviderOutcome status(IdempotencyKey key) {
        try {
            return http.get()
                    .uri("/operations/{key}", key.value())
                    .accept(MediaType.APPLICATION_JSON)
                    .exchange((request, response) -> response.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)
                            ? new ProviderOutcome.NotFound()
                            : decision(response));
        } catch (RestClientException e) {
            return unknown(e);
        }
    }

    private ProviderOutcome post(String path, IdempotencyKey key, Object body) {
        try {
            return http.post()
                    .uri(path)
                    .header(IDEMPOTENCY_KEY, key.value())
                    .contentType(MediaType.APPLICATION_JSON)
                    .accept(MediaType.APPLICATION_JSON)
                    .body(body)
                    .exchange((request, response) -> decision(response));
        } catch (RestClientException e) {
            return unknown(e);
        }
    }

    private static ProviderOutcome decision(RestClient.RequestHeadersSpec.ConvertibleClientHttpResponse response)
            throws IOException {
        if (!response.getStatusCode().isSameCodeAs(HttpStatus.OK)) {
            return new ProviderOutcome.Unknown("provider answered HTTP " + response.getStatusCode().value());
        }
        Decision decision;
        try {
            decision = response.bodyTo(Decision.class);
        } catch (RestClientException | HttpMessageConversionException e) {
            // the kind only: a parser's message quotes the body, which may hold payment data
            return new ProviderOutcome.Unknown("unreadable provider answer (" + e.getClass().getSimpleName() + ")");
        }
        if (decision == null || decision.status() == null) {
            return new ProviderOutcome.Unknown("provider answer without a status");
        }
        return switch (decision.status()) {
            case "SUCCEEDED" -> new ProviderOutcome.Succeeded();
            case "DECLINED" -> new ProviderOutcome.Declined(reasonOf(decision.reason()),
                    decision.reason() == null ? "declined without a reason" : decision.reason());
            default -> new ProviderOutcome.Unknown("provider answered status " + decision.status());
        };
    }

    /**
     * The contract has three reasons; a provider has many more. Every refusal other than an unknown account
     * means the customer cannot pay this amount, so it goes out as INSUFFICIENT_FUNDS and the provider's own
     * code stays in the attempt row.
     */
    static PaymentDeclined.Reason reasonOf(String providerReason) {
        if (providerReason == null) {
            return PaymentDeclined.Reason.INSUFFICIENT_FUNDS;
        }
        return switch (providerReason.toLowerCase(Locale.ROOT)) {
            case "unknown_account", "no_such_customer" -> PaymentDeclined.Reason.UNKNOWN_ACCOUNT;
            default -> PaymentDeclined.Reason.INSUFFICIENT_FUNDS;
        };
    }

    /** Only the exception's kind and message: a provider's error page could carry payment data. */
    private static ProviderOutcome unknown(RestClientException e) {
        Throwable cause = e.getMostSpecificCause();
        return new ProviderOutcome.Unknown(cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    /** Closes the connections; Spring calls it when the context closes. */
    @Override
    public void close() {
        client.close();
    }
}
