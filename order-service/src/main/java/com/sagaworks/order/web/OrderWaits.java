package com.sagaworks.order.web;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.order.Order;
import com.sagaworks.order.OrderRepository;
import com.sagaworks.order.access.ApiClient;
import com.sagaworks.order.watch.OrderWatchers;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

import java.time.Duration;

/**
 * The long poll behind {@code GET /orders/{id}?wait=}: answers as soon as the order is final (CONFIRMED or
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
        long waitMillis = wait.toMillis();
        // Below a millisecond is no wait: a timeout of 0 would mean "never time out" to the servlet container.
        if (waitMillis <= 0) {
            DeferredResult<OrderView> now = new DeferredResult<>();
            now.setResult(OrderView.of(visible(id, client)));
            return now;
        }
        DeferredResult<OrderView> result = new DeferredResult<>(waitMillis);
        // Watch first, then read: a change committed in between is in the read or announced after the watch.
        OrderWatchers.Registration registration = watchers.watch(id, order -> {
            if (order.status().isFinal() && client.mayRead(order)) {
                result.setResult(OrderView.of(order));
            }
        });
        // Runs however the request ends: answered, timed out, failed, or the client went away.
        result.onCompletion(registration::close);
        result.onTimeout(() -> {
            try {
                result.setResult(OrderView.of(visible(id, client)));
            } catch (RuntimeException e) {
                result.setErrorResult(e);
            }
        });
        Order current;
        try {
            current = visible(id, client);
        } catch (RuntimeException e) {
            registration.close();
            throw e;
        }
        if (current.status().isFinal()) {
            result.setResult(OrderView.of(current));
        }
        return result;
    }

    private Order visible(OrderId id, ApiClient client) {
        return orders.find(id).filter(client::mayRead).orElseThrow(() -> new OrderNotFoundException(id));
    }
}
