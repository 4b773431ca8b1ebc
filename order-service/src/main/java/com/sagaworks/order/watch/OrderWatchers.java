package com.sagaworks.order.watch;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.order.Order;
import com.sagaworks.order.OrderRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The requests of this instance that wait for an order to change: long polls and event streams. When the
 * order's status changes (on any instance: {@link OrderStatusListener} hears it from PostgreSQL), the order is
 * read once and handed to each of its watchers; orders that changed together are read by one statement.
 *
 * <p>Register before reading the order's current state, or before creating the order: a change committed
 * between the two is then either in the state read or announced afterwards, never lost.
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

    /** Most orders read by one statement. */
    private static final int MAX_READ = 500;

    private final ConcurrentMap<OrderId, Set<Entry>> watchers = new ConcurrentHashMap<>();
    /** Orders with a read queued: more notifications for them before it runs need no read of their own. */
    private final Set<OrderId> readsQueued = ConcurrentHashMap.newKeySet();
    /** Whether a drain of {@link #readsQueued} is scheduled or running; at most one is. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final OrderRepository orders;
    /**
     * One thread, reading every order queued meanwhile with one statement: under load the notifications of a
     * consumer batch's commit arrive together, and one read serves them all.
     */
    private final ExecutorService reader = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("order-watch-reader").daemon().factory());

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
        if (watchers.containsKey(id) && readsQueued.add(id)) {
            startDraining();
        }
    }

    /**
     * Notifications may have been missed (the listening connection was down or just opened): every watched
     * order is read again.
     */
    void recheckAll() {
        watchers.keySet().forEach(this::statusChanged);
    }

    private void startDraining() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        try {
            reader.execute(this::drain);
        } catch (RejectedExecutionException e) {
            draining.set(false);
            log.debug("not delivering changes of {} orders: shutting down", readsQueued.size());
        }
    }

    private void drain() {
        try {
            List<OrderId> ids;
            while (!(ids = takeQueued()).isEmpty()) {
                deliver(ids);
            }
        } finally {
            draining.set(false);
        }
        // An order queued after the last take but before the flag went down found a drain running: start another.
        if (!readsQueued.isEmpty()) {
            startDraining();
        }
    }

    /** Dequeued before reading, so a change committed after the read queues a read of its own. */
    private List<OrderId> takeQueued() {
        List<OrderId> taken = new ArrayList<>();
        Iterator<OrderId> queued = readsQueued.iterator();
        while (queued.hasNext() && taken.size() < MAX_READ) {
            OrderId id = queued.next();
            queued.remove();
            if (watchers.containsKey(id)) {
                taken.add(id);
            }
        }
        return taken;
    }

    private void deliver(List<OrderId> ids) {
        List<Order> read;
        try {
            read = orders.findAll(ids);
        } catch (RuntimeException e) {
            // The watchers still answer when their wait ends, from a read of their own.
            log.warn("could not read {} orders after their status changed; their watchers answer at the end of"
                    + " their wait: {}", ids.size(), e.toString());
            return;
        }
        // An order not found is one whose creation is still to commit: its watcher began before it (see
        // OrderWaits), and a change after the creation is announced again.
        for (Order order : read) {
            Set<Entry> entries = watchers.get(order.id());
            if (entries == null) {
                continue;
            }
            for (Entry entry : entries) {
                try {
                    entry.watcher.seen(order);
                } catch (RuntimeException e) {
                    log.warn("a watcher of order {} failed: {}", order.id(), e.toString(), e);
                }
            }
        }
    }

    @Override
    public void destroy() {
        reader.shutdownNow();
    }
}
