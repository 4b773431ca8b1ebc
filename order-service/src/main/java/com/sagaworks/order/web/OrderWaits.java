package com.sagaworks.order.web;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.order.Order;
import com.sagaworks.order.OrderRepository;
import com.sagaworks.order.access.ApiClient;
import com.sagaworks.order.watch.OrderWatchers;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

import java.time.Duration;
import java.util.function.Function;

/**
 * The long poll behind {@code GET /orders/{id}?wait=} and {@code POST /orders} with {@code Prefer: wait=}: answers as soon as the order is final (CONFIRMED or
 * CANCELLED) or when the wait is over, whichever comes first. The request thread is released meanwhile
 * (Spring MVC async); the answer is written from the thread that learns of the change, or from the
 * container's timeout.
 */
@Component
class OrderWaits {

    private final OrderRepository orders;
    private final OrderWatchers watchers;

    OrderWaits(OrderRepository orders, OrderWatchers watchers) {
        this.orders = orders;
        this.watchers = watchers;
    }

    /** @throws OrderNotFoundException when {@code client} has no such order */
    DeferredResult<OrderView> await(OrderId id, ApiClient client, Duration wait) {
        return await(id, client, wait, OrderView::of);
    }

    /**
     * @param answer makes the answer from the order as it is when the wait ends: final, or as it is at the end of
     *               the wait
     * @throws OrderNotFoundException when {@code client} has no such order
     */
    <T> DeferredResult<T> await(OrderId id, ApiClient client, Duration wait, Function<Order, T> answer) {
        long waitMillis = wait.toMillis();
        // Below a millisecond is no wait: a timeout of 0 would mean "never time out" to the servlet container.
        if (waitMillis <= 0) {
            DeferredResult<T> now = new DeferredResult<>();
            now.setResult(answer.apply(visible(id, client)));
            return now;
        }
        // Watch first, then read: a change committed in between is in the read or announced after the watch.
        Watch<T> watch = new Watch<>(id, client, waitMillis, answer);
        Order current;
        try {
            current = visible(id, client);
        } catch (RuntimeException e) {
            watch.cancel();
            throw e;
        }
        if (current.status().isFinal()) {
            watch.result.setResult(answer.apply(current));
        }
        return watch.result;
    }

    /**
     * Starts waiting for order {@code id} before it exists, for the request about to create it: if the request
     * does create it, every change is announced after the watch began and {@link Watch#created()} needs no read
     * of the order. Otherwise (a replay of another order, a failure) the caller {@linkplain Watch#cancel cancels}
     * the watch.
     *
     * @param wait at least a millisecond
     */
    <T> Watch<T> watchBeforeCreation(OrderId id, ApiClient client, Duration wait, Function<Order, T> answer) {
        if (wait.toMillis() <= 0) {
            throw new IllegalArgumentException("a wait of at least a millisecond is needed, not " + wait);
        }
        return new Watch<>(id, client, wait.toMillis(), answer);
    }

    /** A registered wait for one order; its result answers when the order is final or when the wait is over. */
    final class Watch<T> {

        private final DeferredResult<T> result;
        /** Volatile: the watcher may run on a watcher thread before the constructor has returned. */
        private volatile OrderWatchers.Registration registration;

        private Watch(OrderId id, ApiClient client, long waitMillis, Function<Order, T> answer) {
            result = new DeferredResult<>(waitMillis);
            registration = watchers.watch(id, order -> {
                if (order.status().isFinal() && client.mayRead(order)) {
                    result.setResult(answer.apply(order));
                    // Now rather than when the request completes, so that later notifications need no read.
                    OrderWatchers.Registration own = registration;
                    if (own != null) {
                        own.close();
                    }
                }
            });
            // Runs however the request ends: answered, timed out, failed, or the client went away.
            result.onCompletion(this::cancel);
            result.onTimeout(() -> {
                try {
                    result.setResult(answer.apply(visible(id, client)));
                } catch (RuntimeException e) {
                    result.setErrorResult(e);
                }
            });
        }

        /** The order was created PENDING after the watch began: its outcome will be announced. */
        DeferredResult<T> created() {
            return result;
        }

        /** Gives up the wait, which never answers. */
        void cancel() {
            registration.close();
        }
    }

    private Order visible(OrderId id, ApiClient client) {
        return orders.find(id).filter(client::mayRead).orElseThrow(() -> new OrderNotFoundException(id));
    }
}
