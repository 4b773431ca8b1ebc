package com.sagaworks.order.watch;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.order.Order;
import com.sagaworks.order.OrderRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The requests of this instance that wait for an order to change: long polls and event streams. When the
 * order's status changes (on any instance: {@link OrderStatusListener} hears it from PostgreSQL), the order is
 * read once and handed to each of its watchers.
 *
 * <p>Register before reading the order's current state: a change committed between the two is then either in
 * the state read or announced afterwards, never lost.
 */
@Component
public class OrderWatchers implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OrderWatchers.class);

    /** Receives the order as it is after a change; called on a watcher thread, never on a request thread. */
    @FunctionalInterface
    public interface Watcher {
        void seen(Order order);
    }

    /** Ends one watch. Idempotent; to be called when the waiting request ends, however it ends. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** One registration; compared by identity, so the same watcher may watch twice. */
    private static final class Entry {
        final Watcher watcher;

        Entry(Watcher watcher) {
            this.watcher = watcher;
        }
    }

    private final ConcurrentMap<OrderId, Set<Entry>> watchers = new ConcurrentHashMap<>();
    /** Orders with a read queued: more notifications for them before it runs need no read of their own. */
    private final Set<OrderId> readsQueued = ConcurrentHashMap.newKeySet();
    private final OrderRepository orders;
    /** Few threads: each change costs one read per watched order, and the connection pool is shared. */
    private final ExecutorService readers = Executors.newFixedThreadPool(2,
            Thread.ofPlatform().name("order-watch-", 1).daemon().factory());

    OrderWatchers(OrderRepository orders) {
        this.orders = orders;
    }

    public Registration watch(OrderId id, Watcher watcher) {
        Entry entry = new Entry(watcher);
        // Adding and removing both run atomically per key (compute, computeIfPresent), so an entry is never
        // added to a set that is being dropped from the map.
        watchers.compute(id, (key, set) -> {
            Set<Entry> entries = set == null ? ConcurrentHashMap.newKeySet() : set;
            entries.add(entry);
            return entries;
        });
        return () -> watchers.computeIfPresent(id, (key, set) -> {
            set.remove(entry);
            return set.isEmpty() ? null : set;
        });
    }

    /** How many watches are open, over all orders. */
    public int watching() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    /** The status of order {@code id} changed; its watchers, if any, get the order as it is now. */
    void statusChanged(OrderId id) {
        if (!watchers.containsKey(id) || !readsQueued.add(id)) {
            return;
        }
        try {
            readers.execute(() -> deliver(id));
        } catch (RejectedExecutionException e) {
            readsQueued.remove(id);
            log.debug("not delivering a change of order {}: shutting down", id);
        }
    }

    /**
     * Notifications may have been missed (the listening connection was down or just opened): every watched
     * order is read again.
     */
    void recheckAll() {
        watchers.keySet().forEach(this::statusChanged);
    }

    private void deliver(OrderId id) {
        // Dequeued before reading, so a change committed after this read queues a read of its own.
        readsQueued.remove(id);
        Set<Entry> entries = watchers.get(id);
        if (entries == null || entries.isEmpty()) {
            return;
        }
        Optional<Order> order;
        try {
            order = orders.find(id);
        } catch (RuntimeException e) {
            // The watchers still answer when their wait ends, from a read of their own.
            log.warn("could not read order {} after its status changed; its {} watchers answer at the end of their"
                    + " wait: {}", id, entries.size(), e.toString());
            return;
        }
        if (order.isEmpty()) {
            log.warn("order {} changed status but cannot be found", id);
            return;
        }
        for (Entry entry : entries) {
            try {
                entry.watcher.seen(order.get());
            } catch (RuntimeException e) {
                log.warn("a watcher of order {} failed: {}", id, e.toString(), e);
            }
        }
    }

    @Override
    public void destroy() {
        readers.shutdownNow();
    }
}
