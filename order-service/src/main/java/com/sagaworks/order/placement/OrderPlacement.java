package com.sagaworks.order.placement;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.order.OrderPlaced;
import com.sagaworks.messaging.outbox.Outbox;
import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.order.ClientId;
import com.sagaworks.order.OrderStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.util.Optional;

/**
 * Places an order: one transaction inserts it PENDING with its lines (one statement) and queues
 * {@link OrderPlaced}, which starts the place-order saga. The database decides idempotency, so concurrent retries of one request
 * make exactly one order whatever instance they reach.
 */
@Service
public class OrderPlacement {

    private static final Logger log = LoggerFactory.getLogger(OrderPlacement.class);

    private final PlacementRepository orders;
    private final Outbox outbox;
    private final TransactionRunner transactions;

    OrderPlacement(PlacementRepository orders, Outbox outbox, TransactionRunner transactions) {
        this.orders = orders;
        this.outbox = outbox;
        this.transactions = transactions;
    }

    /**
     * @param client the API client placing the order; it owns the order, and its keys are its own
     * @throws IdempotencyKeyReusedException when {@code key} already made an order of this client from a
     *                                       different request
     */
    public Placement place(ClientId client, IdempotencyKey key, PlaceOrder request) {
        return place(client, key, request, OrderId.random());
    }

    /**
     * As {@link #place(ClientId, IdempotencyKey, PlaceOrder)}, creating the order (when the key is new) with the
     * id the caller chose, so that it can watch the order before it exists.
     */
    public Placement place(ClientId client, IdempotencyKey key, PlaceOrder request, OrderId id) {
        String requestHash = RequestHash.of(request);
        // The runner repeats the whole unit on a transient error, with the same id: an attempt that did commit
        // after all is found by its key, as any replay.
        return transactions.inTransaction("place-order", () -> placeOnce(id, client, key, request, requestHash));
    }

    private Placement placeOnce(OrderId id, ClientId client, IdempotencyKey key, PlaceOrder request,
                                String requestHash) {
        Optional<Instant> createdAt = orders.insertIfKeyIsNew(id, client, request.customerId(), key, requestHash,
                request.lines());
        if (createdAt.isEmpty()) {
            return replay(client, key, requestHash);
        }
        outbox.send(new OrderPlaced(id, request.customerId(), request.lines(), createdAt.get()));
        log.debug("order {} placed PENDING with {} lines", id, request.lines().size());
        return new Placement(id, OrderStatus.PENDING, false);
    }

    private Placement replay(ClientId client, IdempotencyKey key, String requestHash) {
        PlacementRepository.ExistingOrder existing = orders.findByIdempotencyKey(client, key)
                .orElseThrow(() -> new IllegalStateException(
                        "the insert conflicted on an idempotency key but no order holds it"));
        if (!existing.requestHash().equals(requestHash)) {
            log.info("order {}: its idempotency key was reused for a different request; refused", existing.id());
            throw new IdempotencyKeyReusedException(key);
        }
        log.info("order {}: idempotent replay, status {}", existing.id(), existing.status());
        return new Placement(existing.id(), existing.status(), true);
    }
}
