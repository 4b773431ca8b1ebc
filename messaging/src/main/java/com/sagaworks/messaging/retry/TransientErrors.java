package com.sagaworks.messaging.retry;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import org.springframework.transaction.TransactionSystemException;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Tells transient database errors (worth running the whole transaction again) from permanent ones.
 * Classification walks the cause chain, so a driver exception wrapped by Spring, Jackson or a handler is still
 * recognised.
 */
public final class TransientErrors {

    /**
     * SQLSTATEs after which the same transaction, run again from the top, can succeed: serialization failure,
     * deadlock, lock not available, statement timeout or cancel, administrator shutdown. Class 08 (connection
     * exceptions) is matched by prefix.
     */
    private static final Set<String> TRANSIENT_SQL_STATES = Set.of("40001", "40P01", "55P03", "57014", "57P01");

    private TransientErrors() {
    }

    /** Whether {@code error} or any of its causes is a transient database error. */
    public static boolean isTransient(Throwable error) {
        for (Throwable t : causeChain(error)) {
            if (t instanceof SQLException sql && isTransientSqlState(sql.getSQLState())) {
                return true;
            }
            if (t instanceof TransientDataAccessException
                    || t instanceof CannotGetJdbcConnectionException
                    || t instanceof QueryTimeoutException
                    || t instanceof RecoverableDataAccessException
                    || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code sqlState} names a transient condition ({@code null} is not transient). */
    public static boolean isTransientSqlState(String sqlState) {
        return sqlState != null && (TRANSIENT_SQL_STATES.contains(sqlState) || sqlState.startsWith("08"));
    }

    /**
     * The SQLSTATE of the first {@link SQLException} in the cause chain that has one, for logs; {@code null}
     * when the error did not come from the database.
     */
    public static String sqlState(Throwable error) {
        for (Throwable t : causeChain(error)) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /**
     * {@code error}, its causes and, for a {@link SQLException}, its chained next exceptions (the driver reports
     * the real failure of a JDBC batch there), and for a failed rollback the error that caused the rollback (when
     * the connection died, the rollback fails too and Spring keeps the real 08xxx error only as the application
     * exception, outside the cause chain), each once.
     */
    private static List<Throwable> causeChain(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> chain = new ArrayList<>();
        Deque<Throwable> pending = new ArrayDeque<>();
        pending.add(error);
        while (!pending.isEmpty()) {
            Throwable t = pending.poll();
            if (!seen.add(t)) {
                continue;
            }
            chain.add(t);
            if (t.getCause() != null) {
                pending.add(t.getCause());
            }
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                pending.add(sql.getNextException());
            }
            if (t instanceof TransactionSystemException tse && tse.getApplicationException() != null) {
                pending.add(tse.getApplicationException());
            }
        }
        return chain;
    }
}
