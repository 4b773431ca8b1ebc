package com.sagaworks.messaging.retry;

import com.sagaworks.messaging.consumer.PermanentMessageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionSystemException;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class TransientErrorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"40001", "40P01", "55P03", "57014", "57P01", "08000", "08006", "08003"})
    void retriesTheTransientSqlStatesFoundAnywhereInTheCauseChain(String sqlState) {
        RuntimeException wrapped = new IllegalStateException("handler failed",
                new DataIntegrityViolationException("translated", new SQLException("boom", sqlState)));

        assertThat(TransientErrors.isTransient(wrapped)).isTrue();
        assertThat(TransientErrors.sqlState(wrapped)).isEqualTo(sqlState);
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "23502", "22P02", "42P01", "25P02"})
    void doesNotRetryPermanentSqlStates(String sqlState) {
        assertThat(TransientErrors.isTransient(new SQLException("boom", sqlState))).isFalse();
    }

    @Test
    void findsTheLostConnectionBehindAFailedRollback() {
        // PostgreSQL went away mid-transaction: the statement failed with 08006, then the rollback failed on the
        // closed connection (no SQLSTATE) and Spring kept the 08006 only as the application exception
        var rollbackFailed = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        rollbackFailed.initApplicationException(new SQLException("I/O error", "08006"));

        assertThat(TransientErrors.isTransient(rollbackFailed)).isTrue();
        assertThat(TransientErrors.sqlState(rollbackFailed)).isEqualTo("08006");
    }

    @Test
    void recognisesSpringsTransientExceptionTypes() {
        assertThat(TransientErrors.isTransient(new CannotAcquireLockException("lock"))).isTrue();
        assertThat(TransientErrors.isTransient(new QueryTimeoutException("slow"))).isTrue();
        assertThat(TransientErrors.isTransient(new CannotGetJdbcConnectionException("pool"))).isTrue();
    }

    @Test
    void looksIntoTheNextExceptionOfAJdbcBatch() {
        BatchUpdateException batch = new BatchUpdateException("batch entry 0 failed", "ok", 0, new int[0]);
        batch.setNextException(new SQLException("deadlock detected", "40P01"));

        assertThat(TransientErrors.isTransient(batch)).isTrue();
    }

    @Test
    void treatsOtherErrorsAsPermanentAndReportsNoSqlState() {
        PermanentMessageException error = new PermanentMessageException("no such product");

        assertThat(TransientErrors.isTransient(error)).isFalse();
        assertThat(TransientErrors.sqlState(error)).isNull();
    }

    @Test
    void survivesACauseCycle() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second", first);
        first.initCause(second);

        assertThat(TransientErrors.isTransient(first)).isFalse();
    }
}
