package com.sagaworks.order.web;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.order.Order;
import com.sagaworks.order.OrderRepository;
import com.sagaworks.order.access.ApiClient;
import com.sagaworks.order.watch.OrderWatchers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /orders/{id}/events}: a server-sent event stream of the order's status. The first event is the
 * order as it is, then one per change; the stream ends after the event that shows a final status. Each event
 * is named {@code status}, has the order's version as its id and an {@link OrderView} as data.
 *
 * <p>Open streams get a comment line every heartbeat interval: proxies keep them open, and a client that went
 * away is noticed by the failing write, which ends its watch.
 */
@Component
class OrderEventStreams implements DisposableBean {

    static final String EVENT_NAME = "status";

    private static final Logger log = LoggerFactory.getLogger(OrderEventStreams.class);

    private final OrderRepository orders;
    private final OrderWatchers watchers;
    private final OrderApiProperties properties;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("order-event-heartbeat").daemon().factory());

    OrderEventStreams(OrderRepository orders, OrderWatchers watchers, OrderApiProperties properties) {
        this.orders = orders;
        this.watchers = watchers;
        this.properties = properties;
        long every = properties.heartbeatInterval().toMillis();
        heartbeats.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    /** @throws OrderNotFoundException when {@code client} has no such order; nothing is left open then */
    SseEmitter open(OrderId id, ApiClient client) {
        SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
        Stream stream = new Stream(id, emitter);
        // Watch first, then read: a change committed in between is in the read or announced after the watch.
        stream.watching(watchers.watch(id, order -> {
            if (client.mayRead(order)) {
                stream.offer(order);
            }
        }));
        emitter.onCompletion(stream::ended);
        emitter.onError(failure -> stream.ended());
        // Long enough: the client reconnects if it still cares, and gets the order as it is first.
        emitter.onTimeout(emitter::complete);
        Order current;
        try {
            current = orders.find(id).filter(client::mayRead).orElseThrow(() -> new OrderNotFoundException(id));
        } catch (RuntimeException e) {
            stream.ended();
            throw e;
        }
        stream.opened();
        stream.offer(current);
        return stream.emitter;
    }

    /** How many streams are open; for tests and diagnosis. */
    int openStreams() {
        return open.size();
    }

    private void heartbeat() {
        open.forEach(Stream::heartbeat);
    }

    @Override
    public void destroy() {
        heartbeats.shutdownNow();
    }

    private final class Stream {

        private final OrderId id;
        private final SseEmitter emitter;
        /** Guarded by {@code this}, as are the two below: sends are serialised so versions go out in order and once. */
        private OrderWatchers.Registration registration;
        private int lastVersion = -1;
        private boolean ended;

        Stream(OrderId id, SseEmitter emitter) {
            this.id = id;
            this.emitter = emitter;
        }

        /**
         * The watch may deliver a final order, and so end the stream, before {@code watch} has returned: then the
         * registration is closed here, since {@link #ended} had none to close.
         */
        synchronized void watching(OrderWatchers.Registration watch) {
            registration = watch;
            if (ended) {
                watch.close();
            }
        }

        /** Counted as open, unless it has ended already. */
        synchronized void opened() {
            if (!ended) {
                open.add(this);
            }
        }

        synchronized void offer(Order order) {
            if (ended || order.version() <= lastVersion) {
                return;
            }
            try {
                emitter.send(SseEmitter.event()
                        .name(EVENT_NAME)
                        .id(Integer.toString(order.version()))
                        .data(OrderView.of(order), MediaType.APPLICATION_JSON));
            } catch (IOException e) {
                // The client went away; the container ends the request, which calls ended().
                log.debug("event stream of order {} closed by the client: {}", id, e.toString());
                ended();
                return;
            }
            lastVersion = order.version();
            if (order.status().isFinal()) {
                ended();
                emitter.complete();
            }
        }

        synchronized void heartbeat() {
            if (ended) {
                return;
            }
            try {
                emitter.send(SseEmitter.event().comment("keep-alive"));
            } catch (IOException e) {
                log.debug("event stream of order {} closed by the client: {}", id, e.toString());
                ended();
            }
        }

        synchronized void ended() {
            ended = true;
            open.remove(this);
            if (registration != null) {
                registration.close();
            }
        }
    }
}
