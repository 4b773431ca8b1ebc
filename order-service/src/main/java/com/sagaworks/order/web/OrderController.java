package com.sagaworks.order.web;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.order.OrderRepository;
import com.sagaworks.order.placement.IdempotencyKey;
import com.sagaworks.order.placement.OrderPlacement;
import com.sagaworks.order.placement.Placement;
import jakarta.validation.Valid;
import org.slf4j.MDC;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.UUID;

/**
 * The order API for placement clients. Placing answers 202 at once: the order is PENDING until the
 * place-order saga confirms or cancels it, which {@code GET /orders/{id}} shows.
 */
@RestController
@RequestMapping(path = "/orders", produces = MediaType.APPLICATION_JSON_VALUE)
class OrderController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Set on an answer that returns the order an earlier request with the same key made. */
    static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

    private final OrderPlacement placement;
    private final OrderRepository orders;

    OrderController(OrderPlacement placement, OrderRepository orders) {
        this.placement = placement;
        this.orders = orders;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<OrderAccepted> place(@RequestHeader(IDEMPOTENCY_KEY) String idempotencyKey,
                                        @Valid @RequestBody PlaceOrderRequest request) {
        Placement placed = placement.place(new IdempotencyKey(idempotencyKey), request.toCommand());
        // A replay answers exactly like the first request did (202, same id and location) so a client
        // that lost the first answer cannot tell the difference, except by the header.
        ResponseEntity.BodyBuilder answer = ResponseEntity.accepted().location(URI.create("/orders/" + placed.orderId()));
        if (placed.replayed()) {
            answer.header(IDEMPOTENT_REPLAYED, "true");
        }
        return answer.body(new OrderAccepted(placed.orderId().value(), placed.status()));
    }

    @GetMapping("/{orderId}")
    OrderView get(@PathVariable UUID orderId) {
        OrderId id = OrderId.of(orderId);
        try (MDC.MDCCloseable ignored = MDC.putCloseable("orderId", id.toString())) {
            return orders.find(id).map(OrderView::of).orElseThrow(() -> new OrderNotFoundException(id));
        }
    }
}
