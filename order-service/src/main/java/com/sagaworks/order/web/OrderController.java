package com.sagaworks.order.web;

import com.sagaworks.contracts.CustomerId;
import com.sagaworks.contracts.OrderId;
import com.sagaworks.order.Order;
import com.sagaworks.order.OrderRepository;
import com.sagaworks.order.OrderStatus;
import com.sagaworks.order.access.ApiClient;
import com.sagaworks.order.cancellation.CustomerCancellation;
import com.sagaworks.order.placement.IdempotencyKey;
import com.sagaworks.order.placement.OrderPlacement;
import com.sagaworks.order.placement.Placement;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The order API for placement clients. Placing answers 202 at once: the order is PENDING until the
 * place-order saga confirms or cancels it, which {@code GET /orders/{id}} shows, at once or after waiting for
 * it ({@code ?wait=}), and {@code GET /orders/{id}/events} streams. A placement with {@code Prefer: wait=N}
 * waits for the outcome itself. Every operation acts for the authenticated
 * {@link ApiClient} and sees only its orders.
 */
@Tag(name = "Orders", description = "Place orders, follow them to their outcome, list and cancel them.")
@RestController
@RequestMapping(path = "/orders", produces = MediaType.APPLICATION_JSON_VALUE)
class OrderController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Set on an answer that returns the order an earlier request with the same key made. */
    static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

    private final OrderPlacement placement;
    private final CustomerCancellation cancellation;
    private final OrderRepository orders;
    private final OrderWaits waits;
    private final OrderEventStreams streams;
    private final OrderApiProperties properties;

    OrderController(OrderPlacement placement, CustomerCancellation cancellation, OrderRepository orders,
                    OrderWaits waits, OrderEventStreams streams, OrderApiProperties properties) {
        this.placement = placement;
        this.cancellation = cancellation;
        this.orders = orders;
        this.waits = waits;
        this.streams = streams;
        this.properties = properties;
    }

    @Operation(summary = "Place an order", description = """
            Creates a PENDING order and starts the place-order saga, which confirms or cancels it.

            **Idempotency.** `Idempotency-Key` is required: one key, one order. The key is scoped to the calling \
            client. Sending the same key with the same request (same customer and lines, in any line order) \
            creates nothing and answers like the first time: `202` with the same `orderId` and `Location`, \
            plus `Idempotent-Replayed: true`; `status` is the order's status now. The same key with a \
            different request is refused with `422` (`urn:sagaworks:problem:idempotency-key-reused`) and \
            nothing is created. Concurrent requests with one key create exactly one order. After a timeout or \
            a `503`, retry with the same key (after a `503`, once its `Retry-After` has passed).

            **Overload.** Where placement admission is switched on, while too many orders are in flight the \
            placement is refused at once with `503` (`urn:sagaworks:problem:overloaded`) and `Retry-After`, and \
            nothing is created.

            **Waiting for the outcome (RFC 7240).** With `Prefer: wait=10` the answer waits up to that many \
            seconds (at most 30) for the order to become final: `201` with the whole order (as \
            `GET /orders/{id}` shows it) as soon as it is CONFIRMED or CANCELLED, or the usual `202` with its \
            status when the wait is over first. `Preference-Applied: wait=N` tells how long the server was \
            prepared to wait. One request instead of a placement and a long poll. Other preferences, and a \
            `wait` that is not a number of seconds, are ignored (RFC 7240): the answer is then the immediate \
            `202` without `Preference-Applied`. A replay of the key waits the same way.""",
            parameters = @Parameter(name = PreferWait.PREFER, in = ParameterIn.HEADER, required = false,
                    description = "`wait=N`: wait up to N seconds (at most 30) for the final status",
                    schema = @Schema(type = "string", example = "wait=10")))
    @ApiResponse(responseCode = "201", description = "With `Prefer: wait`: the order became final within the wait",
            headers = {
                    @Header(name = "Location", description = "`/orders/{orderId}`", schema = @Schema(type = "string")),
                    @Header(name = PreferWait.PREFERENCE_APPLIED, description = "`wait=N`, the wait granted",
                            schema = @Schema(type = "string")),
                    @Header(name = IDEMPOTENT_REPLAYED, description = "`true` for the replay of a key",
                            schema = @Schema(type = "string"))},
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = OrderView.class)))
    @ApiResponse(responseCode = "202", description = "Order created, or the replay of the key's earlier request"
            + " (with `Prefer: wait`: the wait ended with the order still PENDING)",
            headers = {
                    @Header(name = "Location", description = "`/orders/{orderId}`", schema = @Schema(type = "string")),
                    @Header(name = IDEMPOTENT_REPLAYED, description = "`true` when the key had already placed this"
                            + " order and nothing new was created; absent otherwise", schema = @Schema(type = "string")),
                    @Header(name = PreferWait.PREFERENCE_APPLIED, description = "`wait=N` when the answer waited"
                            + " (`Prefer: wait`); absent otherwise", schema = @Schema(type = "string"))},
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = OrderAccepted.class)))
    @ApiResponse(responseCode = "400", ref = "InvalidRequest")
    @ApiResponse(responseCode = "401", ref = "Unauthenticated")
    @ApiResponse(responseCode = "413", ref = "RequestTooLarge")
    @ApiResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @ApiResponse(responseCode = "422", description = "`urn:sagaworks:problem:idempotency-key-reused` (the key placed"
            + " an order from a different request) or `urn:sagaworks:problem:unknown-customer` (the customer is not"
            + " one of this client's); nothing created", content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "503", ref = "PlacementUnavailable")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<OrderAccepted> place(
            @AuthenticationPrincipal ApiClient client,
            @Parameter(description = "1 to 128 printable ASCII characters, chosen by the client per order attempt"
                    + " (a UUID is a good choice) and reused for every retry of that attempt", required = true)
            @RequestHeader(IDEMPOTENCY_KEY) String idempotencyKey,
            @Valid @RequestBody PlaceOrderRequest request) {
        Placement placed = placeFor(client, idempotencyKey, request, OrderId.random());
        return accepted(placed, null).body(OrderAccepted.of(placed));
    }

    /**
     * {@code POST /orders} with a {@code Prefer} header: the same placement, then, when it asks for a usable
     * {@code wait}, the long poll's wait for the final status within the same request. Its own handler so that a
     * placement without the header stays synchronous (no async dispatch); documented with {@link #place}.
     */
    @Operation(hidden = true)
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, headers = PreferWait.PREFER)
    DeferredResult<ResponseEntity<?>> placeAndWait(
            @AuthenticationPrincipal ApiClient client,
            @RequestHeader(IDEMPOTENCY_KEY) String idempotencyKey,
            @RequestHeader(PreferWait.PREFER) List<String> prefer,
            @Valid @RequestBody PlaceOrderRequest request) {
        Optional<Duration> wait = PreferWait.parse(prefer, properties.maxWait());
        if (wait.isEmpty() || wait.get().isZero()) {
            Placement placed = placeFor(client, idempotencyKey, request, OrderId.random());
            DeferredResult<ResponseEntity<?>> now = new DeferredResult<>();
            now.setResult(accepted(placed, null).body(OrderAccepted.of(placed)));
            return now;
        }
        String applied = PreferWait.applied(wait.get());
        // The new order is watched before it is created, so its creation needs no read to start the wait.
        OrderId id = OrderId.random();
        Placement created = new Placement(id, OrderStatus.PENDING, false);
        OrderWaits.Watch<ResponseEntity<?>> watch = waits.watchBeforeCreation(id, client, wait.get(),
                order -> waitedFor(created, applied, order));
        Placement placed;
        try {
            placed = placeFor(client, idempotencyKey, request, id);
        } catch (RuntimeException e) {
            watch.cancel();
            throw e;
        }
        if (placed.equals(created)) {
            return watch.created();
        }
        // A replay: the key's order already existed, so its status must be read.
        watch.cancel();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("orderId", placed.orderId().toString())) {
            return waits.await(placed.orderId(), client, wait.get(), order -> waitedFor(placed, applied, order));
        }
    }

    /** The answer to a placement that waited: 201 with the order once final, else 202 as without waiting. */
    private static ResponseEntity<?> waitedFor(Placement placed, String applied, Order order) {
        return order.status().isFinal()
                ? created(placed, applied).body(OrderView.of(order))
                : accepted(placed, applied).body(new OrderAccepted(order.id().value(), order.status()));
    }

    /** @param id the new order's id, if the key is new */
    private Placement placeFor(ApiClient client, String idempotencyKey, PlaceOrderRequest request, OrderId id) {
        IdempotencyKey key = new IdempotencyKey(idempotencyKey);
        client.requireMayActFor(CustomerId.of(request.customerId()));
        return placement.place(client.id(), key, request.toCommand(), id);
    }

    /**
     * A replay answers exactly like the first request did (202, same id and location) so a client that lost the
     * first answer cannot tell the difference, except by the header.
     *
     * @param applied the {@code Preference-Applied} value, or null when the answer did not wait
     */
    private static ResponseEntity.BodyBuilder accepted(Placement placed, String applied) {
        return headers(ResponseEntity.accepted(), placed, applied);
    }

    private static ResponseEntity.BodyBuilder created(Placement placed, String applied) {
        return headers(ResponseEntity.status(HttpStatus.CREATED), placed, applied);
    }

    private static ResponseEntity.BodyBuilder headers(ResponseEntity.BodyBuilder answer, Placement placed, String applied) {
        answer.location(URI.create("/orders/" + placed.orderId()));
        if (placed.replayed()) {
            answer.header(IDEMPOTENT_REPLAYED, "true");
        }
        if (applied != null) {
            answer.header(PreferWait.PREFERENCE_APPLIED, applied);
        }
        return answer;
    }

    @Operation(summary = "Get an order, optionally waiting for its outcome", description = """
            Without `wait`, answers at once. With `wait` (an ISO-8601 duration such as `PT5S`, at most `PT30S`; \
            longer waits are shortened), answers as soon as the order is final (CONFIRMED or CANCELLED) or when \
            the wait is over, whichever comes first, with the order as it is then: no need to poll in a loop. \
            A wait that ends with the order still PENDING is a normal `200`; ask again.""")
    @ApiResponse(responseCode = "200", description = "The order")
    @ApiResponse(responseCode = "400", ref = "InvalidRequest")
    @ApiResponse(responseCode = "401", ref = "Unauthenticated")
    @ApiResponse(responseCode = "404", ref = "OrderNotFound")
    @GetMapping("/{orderId}")
    DeferredResult<OrderView> get(
            @AuthenticationPrincipal ApiClient client,
            @PathVariable UUID orderId,
            @Parameter(description = "How long to wait for a final status, ISO-8601 (`PT5S`); at most PT30S",
                    schema = @Schema(type = "string", example = "PT5S"))
            @RequestParam(name = WaitParameter.NAME, required = false) String wait) {
        OrderId id = OrderId.of(orderId);
        try (MDC.MDCCloseable ignored = MDC.putCloseable("orderId", id.toString())) {
            return waits.await(id, client, WaitParameter.parse(wait, properties.maxWait()));
        }
    }

    @Operation(summary = "Stream an order's status changes (server-sent events)", description = """
            A `text/event-stream` of events named `status`, each with the order's version as `id` and the \
            order (as `GET /orders/{id}` shows it) as JSON `data`. The first event is the order as it is now, \
            then one event per change; the stream ends after the event with a final status (CONFIRMED or \
            CANCELLED). Comment lines keep an idle stream open. A stream open for 10 minutes is closed; \
            reconnecting starts again with the current state.""")
    @ApiResponse(responseCode = "200", description = "The event stream",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(implementation = OrderView.class)))
    @ApiResponse(responseCode = "401", ref = "Unauthenticated")
    @ApiResponse(responseCode = "404", ref = "OrderNotFound")
    @GetMapping(path = "/{orderId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@AuthenticationPrincipal ApiClient client, @PathVariable UUID orderId) {
        OrderId id = OrderId.of(orderId);
        try (MDC.MDCCloseable ignored = MDC.putCloseable("orderId", id.toString())) {
            return streams.open(id, client);
        }
    }

    @Operation(summary = "List a customer's orders", description = """
            The orders this client placed for the customer, newest first, a page at a time. `hasNext` tells \
            whether the next page has orders. The customer must be one of this client's customers (`422` \
            `urn:sagaworks:problem:unknown-customer` otherwise).""")
    @ApiResponse(responseCode = "200", description = "One page of orders")
    @ApiResponse(responseCode = "400", ref = "InvalidRequest")
    @ApiResponse(responseCode = "401", ref = "Unauthenticated")
    @ApiResponse(responseCode = "422", ref = "UnknownCustomer")
    @GetMapping
    OrderPage list(
            @AuthenticationPrincipal ApiClient client,
            @RequestParam @NotBlank @Size(max = 64) @PrintableText String customerId,
            @Parameter(description = "Zero-based page number, at most 1000")
            @RequestParam(defaultValue = "0") @Min(0) @Max(1000) int page,
            @Parameter(description = "Orders per page; more than 100 is shortened to 100")
            @RequestParam(defaultValue = "20") @Min(1) int size) {
        CustomerId customer = CustomerId.of(customerId);
        client.requireMayActFor(customer);
        int pageSize = Math.min(size, properties.maxPageSize());
        OrderRepository.OrderSlice slice = orders.page(client.id(), customer, page, pageSize);
        return new OrderPage(slice.orders().stream().map(OrderView::of).toList(), page, pageSize, slice.hasNext());
    }

    @Operation(summary = "Cancel an order", description = """
            The customer withdraws the order. A PENDING order becomes CANCELLED with reason \
            `CANCELLED_BY_CUSTOMER` at once, and the saga undoes whatever it had done (releases the stock, \
            refunds the payment) in the background. Cancelling a cancelled order changes nothing and answers \
            the same way (whatever the reason was), so the request is safe to retry. A CONFIRMED order can no \
            longer be cancelled: `409` `urn:sagaworks:problem:order-already-confirmed`.""")
    @ApiResponse(responseCode = "200", description = "The order, CANCELLED")
    @ApiResponse(responseCode = "401", ref = "Unauthenticated")
    @ApiResponse(responseCode = "404", ref = "OrderNotFound")
    @ApiResponse(responseCode = "409", ref = "OrderAlreadyConfirmed")
    @ApiResponse(responseCode = "503", ref = "TemporarilyUnavailable")
    @PostMapping("/{orderId}/cancel")
    OrderView cancel(@AuthenticationPrincipal ApiClient client, @PathVariable UUID orderId) {
        OrderId id = OrderId.of(orderId);
        try (MDC.MDCCloseable ignored = MDC.putCloseable("orderId", id.toString())) {
            return cancellation.cancel(id, client).map(OrderView::of).orElseThrow(() -> new OrderNotFoundException(id));
        }
    }
}
