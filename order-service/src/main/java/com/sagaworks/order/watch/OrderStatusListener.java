package com.sagaworks.order.watch;

import com.sagaworks.contracts.OrderId;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One {@code LISTEN order_status} connection per instance. A trigger on {@code orders} notifies the order id
 * on every status change, on commit, whichever instance (or the saga's command handler) made it; this thread
 * hands each id to {@link OrderWatchers}.
 *
 * <p>The connection is held for the life of the instance, outside any transaction. When it breaks it is
 * opened again with backoff, and since notifications sent meanwhile are lost, every watched order is then read
 * again. Waiting requests answer at the end of their wait in any case, so an outage delays answers, never
 * loses them.
 */
@Component
class OrderStatusListener implements SmartLifecycle {

    static final String CHANNEL = "order_status";

    private static final Logger log = LoggerFactory.getLogger(OrderStatusListener.class);
    private static final int RECEIVE_TIMEOUT_MILLIS = 500;
    private static final Duration VALIDATE_EVERY = Duration.ofSeconds(30);
    private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(200);
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(10);

    private final DataSource dataSource;
    private final OrderWatchers watchers;
    private volatile boolean running;
    private volatile Thread thread;
    private volatile CountDownLatch stopped = new CountDownLatch(0);

    OrderStatusListener(DataSource dataSource, OrderWatchers watchers) {
        this.dataSource = dataSource;
        this.watchers = watchers;
    }

    @Override
    public void start() {
        stopped = new CountDownLatch(1);
        running = true;
        thread = Thread.ofPlatform().name("order-status-listener").daemon().start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        stopped.countDown();
        Thread listener = thread;
        if (listener == null) {
            return;
        }
        try {
            // The receive loop wakes at least every RECEIVE_TIMEOUT_MILLIS to look at the flag.
            if (!listener.join(Duration.ofSeconds(5))) {
                log.warn("{} listener did not stop within 5 s", CHANNEL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        Connection connection = null;
        Duration reconnectDelay = FIRST_RECONNECT_DELAY;
        long lastValidated = System.nanoTime();
        try {
            while (running) {
                if (connection == null) {
                    connection = connect();
                    if (connection == null) {
                        pause(reconnectDelay);
                        reconnectDelay = min(reconnectDelay.multipliedBy(2), MAX_RECONNECT_DELAY);
                        continue;
                    }
                    reconnectDelay = FIRST_RECONNECT_DELAY;
                    lastValidated = System.nanoTime();
                    watchers.recheckAll();
                }
                try {
                    receive(connection);
                    if (System.nanoTime() - lastValidated > VALIDATE_EVERY.toNanos()) {
                        // A half-open TCP connection would otherwise wait for notifications forever.
                        if (!connection.isValid(5)) {
                            throw new SQLException("the connection is no longer valid", "08006");
                        }
                        lastValidated = System.nanoTime();
                    }
                } catch (SQLException e) {
                    log.warn("LISTEN {} connection failed (SQLSTATE {}), reconnecting: {}", CHANNEL, e.getSQLState(),
                            e.toString());
                    release(connection);
                    connection = null;
                }
            }
        } finally {
            release(connection);
        }
    }

    private void receive(Connection connection) throws SQLException {
        PGNotification[] notifications = connection.unwrap(PGConnection.class).getNotifications(RECEIVE_TIMEOUT_MILLIS);
        if (notifications == null) {
            return;
        }
        for (PGNotification notification : notifications) {
            OrderId id;
            try {
                id = OrderId.parse(notification.getParameter());
            } catch (IllegalArgumentException e) {
                log.warn("ignoring a {} notification that is not an order id: {}", CHANNEL, notification.getParameter());
                continue;
            }
            watchers.statusChanged(id);
        }
    }

    private Connection connect() {
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + CHANNEL);
            }
            log.debug("listening on {}", CHANNEL);
            return connection;
        } catch (SQLException | RuntimeException e) {
            log.warn("could not LISTEN on {} ({}); waiting requests answer at the end of their wait until it works",
                    CHANNEL, e.toString());
            release(connection);
            return null;
        }
    }

    /**
     * UNLISTEN before the connection goes back to the pool, which would otherwise hand a listening connection
     * to code that never reads its notifications. After a failure this is expected to fail as well.
     */
    private static void release(Connection connection) {
        if (connection == null) {
            return;
        }
        try (connection; Statement statement = connection.createStatement()) {
            statement.execute("UNLISTEN *");
        } catch (SQLException e) {
            log.debug("releasing the {} connection failed: {}", CHANNEL, e.toString());
        }
    }

    private void pause(Duration delay) {
        try {
            stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
