package com.sagaworks.order.web;

import com.sagaworks.contracts.order.CancellationReason;
import com.sagaworks.order.OrderStatus;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The OpenAPI description served at {@code /v3/api-docs} (Swagger UI at {@code /swagger-ui.html}). The
 * contract a client relies on beyond the shapes (authentication, idempotency, waiting, the status vocabulary,
 * the problem types) is written here, generated from the same enums and constants the service runs on.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String API_KEY_SCHEME = "apiKey";
    private static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

    @Bean
    OpenAPI orderApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("sagaworks order API")
                        .version("v1")
                        .description(description()))
                .components(new Components()
                        .addSecuritySchemes(API_KEY_SCHEME, new SecurityScheme()
                                .type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER)
                                .name(ApiSecurityConfiguration.API_KEY_HEADER)
                                .description("The client's API key, sent on every request."))
                        .addSchemas("Problem", problemSchema())
                        .addResponses("InvalidRequest", problem("`urn:sagaworks:problem:invalid-request`: invalid"
                                + " fields, parameters or headers, or an unreadable body; nothing changed"))
                        .addResponses("Unauthenticated", problem("`urn:sagaworks:problem:unauthenticated`: no"
                                + " `X-Api-Key`, or an unknown key"))
                        .addResponses("OrderNotFound", problem("`urn:sagaworks:problem:order-not-found`: no such"
                                + " order among this client's orders (another client's order is not found either)"))
                        .addResponses("OrderAlreadyConfirmed", problem("`urn:sagaworks:problem:order-already-confirmed`:"
                                + " the order is CONFIRMED and stands; nothing changed"))
                        .addResponses("RequestTooLarge", problem("`urn:sagaworks:problem:request-too-large`: the body"
                                + " exceeds 64 KiB"))
                        .addResponses("UnsupportedMediaType", problem("`about:blank`: the body is not"
                                + " `application/json`"))
                        .addResponses("UnknownCustomer", problem("`urn:sagaworks:problem:unknown-customer`: the"
                                + " customer is not one of this client's customers"))
                        .addResponses("TemporarilyUnavailable", problem("`urn:sagaworks:problem:temporarily-unavailable`"
                                + " with `Retry-After`: the database stayed busy; nothing was committed, retry"))
                        .addResponses("PlacementUnavailable", problem("With `Retry-After` (seconds), nothing created;"
                                + " retry after it with the same `Idempotency-Key`:"
                                + " `urn:sagaworks:problem:overloaded` (too many orders in flight: the service"
                                + " refuses new placements until it has caught up) or"
                                + " `urn:sagaworks:problem:temporarily-unavailable` (the database stayed busy)")))
                .addSecurityItem(new SecurityRequirement().addList(API_KEY_SCHEME));
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content().addMediaType(PROBLEM_JSON,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"))));
    }

    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        return new ObjectSchema()
                .description("An RFC 9457 problem detail, `application/problem+json`; the body of every error.")
                .addProperty("type", new StringSchema().format("uri")
                        .description("What went wrong, stable: branch on this (see the API description)"))
                .addProperty("title", new StringSchema().description("Short summary of the type"))
                .addProperty("status", new IntegerSchema().description("The HTTP status"))
                .addProperty("detail", new StringSchema().description("This occurrence, for humans"))
                .addProperty("instance", new StringSchema().format("uri-reference").description("The request path"))
                .addProperty("errors", new ArraySchema()
                        .description("With `invalid-request`: each invalid field, parameter or header")
                        .items(new ObjectSchema()
                                .addProperty("field", new StringSchema().example("lines[0].quantity"))
                                .addProperty("message", new StringSchema().example("must be less than or equal to 1000"))));
    }

    static String description() {
        return """
                Order placement for client applications. Placing an order answers at once with a PENDING order; \
                the place-order saga then reserves stock, charges the customer and confirms the order, or \
                cancels it with a reason.

                ## Authentication
                Every request except the health probe and this description carries the client's key in the \
                `X-Api-Key` header (no sessions, no cookies). Each client is configured with the customers it \
                acts for (or any customer, for a trusted backend). A client places orders only for its \
                customers (`422 unknown-customer` otherwise) and sees only the orders it placed: another \
                client's order id answers `404`, exactly like an id that does not exist. No or an unknown key \
                answers `401` (`unauthenticated`). The local stack's demo client sends \
                `X-Api-Key: demo-shop-key` and may act for any customer.

                ## Idempotency
                `POST /orders` requires an `Idempotency-Key` header (1 to 128 printable ASCII characters): one \
                key, one order. The key is scoped to the client, so two clients never collide. The same key \
                with the same request answers like the first time, with the same order id, plus \
                `Idempotent-Replayed: true`; the same key with a different request is refused with \
                `422 idempotency-key-reused` and creates nothing. Retry a timed-out or `503` request with the \
                same key; after a `503`, not before its `Retry-After`. Cancelling (`POST /orders/{id}/cancel`) \
                is idempotent by itself.

                ## Overload
                Where the operator has switched placement admission on, `POST /orders` answers at once with \
                `503 overloaded` and `Retry-After` while more orders are in flight than the service takes on, \
                and creates nothing, rather than let requests queue until they time out. Orders already placed \
                are unaffected.

                ## Learning the outcome without polling
                `GET /orders/{id}?wait=PT10S` answers as soon as the order is final or when the wait (at most \
                30 s) is over; `GET /orders/{id}/events` streams the order's status as server-sent events and \
                ends at the final status.

                ## Order status
                %s

                Cancellation reasons (`reason`, set only when CANCELLED; new values may be added):
                %s

                Internal saga states never appear in this API.

                ## Errors
                Every error is an RFC 9457 problem detail (`application/problem+json`) with `type`, `title`, \
                `status`, `detail` and `instance`. Branch on `type`:
                %s
                - `about:blank`: the HTTP status says it all (unknown path `404`, method not allowed `405`, \
                not acceptable `406`, unsupported media type `415`)
                - a `5xx` is a fault of the service, never of the request.
                """.formatted(statuses(), reasons(), problemTypes());
    }

    private static String statuses() {
        return Arrays.stream(OrderStatus.values())
                .map(status -> "- `" + status + "`: " + switch (status) {
                    case PENDING -> "accepted; the saga is reserving stock and charging the customer";
                    case CONFIRMED -> "stock reserved, customer charged, prices and total fixed. Final";
                    case CANCELLED -> "will not be fulfilled; nothing stays reserved or charged. Final";
                })
                .collect(Collectors.joining("\n"));
    }

    private static String reasons() {
        return Arrays.stream(CancellationReason.values())
                .map(reason -> "- `" + reason + "`: " + switch (reason) {
                    case OUT_OF_STOCK -> "a line asked for more units than were available";
                    case UNKNOWN_PRODUCT -> "a line named a product the catalog does not sell";
                    case PAYMENT_DECLINED -> "the customer's payment was declined";
                    case APPROVAL_REFUSED -> "the order was refused at approval (for instance over the review limit)";
                    case CANCELLED_BY_CUSTOMER -> "the customer cancelled the order before it was confirmed";
                    case TIMED_OUT -> "a step did not complete in time and the saga gave up";
                    case RESOLVED_BY_OPERATOR -> "support staff resolved the order by hand";
                })
                .collect(Collectors.joining("\n"));
    }

    private static String problemTypes() {
        return ProblemTypes.DESCRIBED.entrySet().stream()
                .map(type -> "- `" + type.getKey() + "`: " + type.getValue())
                .sorted()
                .collect(Collectors.joining("\n"));
    }
}
