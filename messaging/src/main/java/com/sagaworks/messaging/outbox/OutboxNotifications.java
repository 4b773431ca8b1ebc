package com.sagaworks.messaging.outbox;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The relay's {@code LISTEN messaging_outbox} connection. Kept out of any transaction and never shared. When
 * it breaks it is dropped and opened again with backoff; meanwhile the caller keeps polling on its timeout, so
 * a lost connection delays publication by at most the poll interval.
 */
final class OutboxNotifications implements AutoCloseable {

    static final String CHANNEL = "messaging_outbox";

    private static final Logger log = LoggerFactory.getLogger(OutboxNotifications.class);
    private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(200);
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private Connection connection;
    private PGConnection pgConnection;
    private Duration reconnectDelay = FIRST_RECONNECT_DELAY;
    private long nextConnectAttemptNanos = System.nanoTime();

    OutboxNotifications(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Opens the connection and issues LISTEN if there is none and the backoff allows a new attempt.
     *
     * @return {@code true} when a new LISTEN was just established: notifications sent before it are lost, so
     * the caller must look at the outbox before waiting
     */
    boolean ensureListening() {
        if (connection != null || System.nanoTime() - nextConnectAttemptNanos < 0) {
            return false;
        }
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(true);
            PGConnection pg = c.unwrap(PGConnection.class);
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
            }
            connection = c;
            pgConnection = pg;
            reconnectDelay = FIRST_RECONNECT_DELAY;
            log.debug("listening on {}", CHANNEL);
            return true;
        } catch (SQLException | RuntimeException e) {
            log.warn("could not LISTEN on {} (SQLSTATE {}), polling until the next attempt in {}: {}", CHANNEL,
                    e instanceof SQLException sql ? sql.getSQLState() : null, reconnectDelay, e.toString());
            release(c, false);
            scheduleReconnect();
            return false;
        }
    }

    boolean isListening() {
        return connection != null;
    }

    /**
     * Waits up to {@code timeout} for notifications.
     *
     * @return whether at least one arrived; {@code false} also when the connection broke (it is then dropped)
     */
    boolean await(Duration timeout) {
        // 0 would make the driver block without limit.
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try {
            PGNotification[] notifications = pgConnection.getNotifications(millis);
            return notifications != null && notifications.length > 0;
        } catch (SQLException e) {
            dropBroken(e);
            return false;
        }
    }

    /**
     * Checks the connection with a round trip; a half-open TCP connection would otherwise wait for
     * notifications forever without an error.
     */
    void validate() {
        if (connection == null) {
            return;
        }
        try {
            if (!connection.isValid(5)) {
                dropBroken(new SQLException("connection is no longer valid", "08006"));
            }
        } catch (SQLException e) {
            dropBroken(e);
        }
    }

    private void dropBroken(SQLException e) {
        log.warn("LISTEN connection on {} failed (SQLSTATE {}), reconnecting in {}: {}", CHANNEL, e.getSQLState(),
                reconnectDelay, e.toString());
        release(connection, false);
        connection = null;
        pgConnection = null;
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        nextConnectAttemptNanos = System.nanoTime() + reconnectDelay.toNanos();
        Duration doubled = reconnectDelay.multipliedBy(2);
        reconnectDelay = doubled.compareTo(MAX_RECONNECT_DELAY) > 0 ? MAX_RECONNECT_DELAY : doubled;
    }

    @Override
    public void close() {
        release(connection, true);
        connection = null;
        pgConnection = null;
    }

    /**
     * UNLISTEN before handing the connection back: a pool would otherwise give a listening connection to code
     * that never reads its notifications, and they would pile up in that connection's memory. After a failure
     * both steps are expected to fail too; that is only worth a debug line.
     */
    private static void release(Connection c, boolean healthy) {
        if (c == null) {
            return;
        }
        try (c; Statement s = c.createStatement()) {
            s.execute("UNLISTEN *");
        } catch (SQLException e) {
            if (healthy) {
                log.warn("could not UNLISTEN and close the {} connection (SQLSTATE {}): {}", CHANNEL,
                        e.getSQLState(), e.toString());
            } else {
                log.debug("releasing the failed {} connection failed as well: {}", CHANNEL, e.toString());
            }
        }
    }
}
