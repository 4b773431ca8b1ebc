package com.sagaworks.messaging.retry;

import com.sagaworks.messaging.metrics.MessagingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryingTransactionRunnerTest {

    private final RecordingTransactionManager transactions = new RecordingTransactionManager();
    private final RetryingTransactionRunner runner =
            new RetryingTransactionRunner(transactions, 4, Duration.ofMillis(1), Duration.ofMillis(5));

    @Test
    void runsTheWholeTransactionAgainAfterATransientError() {
        AtomicInteger attempts = new AtomicInteger();

        String result = runner.inTransaction("place-order", () -> {
            assertThat(TransactionSynchronizationManager.isActualTransactionActive()).isTrue();
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException(new SQLException("could not serialize access", "40001"));
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasValue(3);
        assertThat(transactions.events).containsExactly("begin", "rollback", "begin", "rollback", "begin", "commit");
    }

    @Test
    void countsEachRetryBySqlState() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RetryingTransactionRunner counted = new RetryingTransactionRunner(transactions, 4, Duration.ofMillis(1),
                Duration.ofMillis(5), new MessagingMetrics(meters));
        AtomicInteger attempts = new AtomicInteger();

        counted.inTransaction("work", () -> {
            switch (attempts.incrementAndGet()) {
                case 1, 2 -> throw new IllegalStateException(new SQLException("could not serialize", "40001"));
                case 3 -> throw new IllegalStateException(new SQLException("deadlock detected", "40P01"));
                default -> {
                    return "done";
                }
            }
        });

        assertThat(meters.get(MessagingMetrics.TRANSIENT_RETRIES).tag("sqlstate", "40001").counter().count())
                .isEqualTo(2);
        assertThat(meters.get(MessagingMetrics.TRANSIENT_RETRIES).tag("sqlstate", "40P01").counter().count())
                .isEqualTo(1);
        assertThat(transactions.events).filteredOn("commit"::equals).hasSize(1);
    }

    @Test
    void startsANewTransactionEvenInsideOne() {
        runner.inTransaction("work", () -> null);

        assertThat(transactions.propagations).containsExactly(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheLastError() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> runner.inTransaction("work", () -> {
            throw new IllegalStateException("attempt " + attempts.incrementAndGet(),
                    new SQLException("deadlock detected", "40P01"));
        })).isInstanceOf(IllegalStateException.class).hasMessage("attempt 4");
        assertThat(transactions.events).filteredOn("commit"::equals).isEmpty();
    }

    @Test
    void doesNotRetryAPermanentError() {
        AtomicInteger attempts = new AtomicInteger();
        DataIntegrityViolationException violation =
                new DataIntegrityViolationException("duplicate", new SQLException("duplicate key", "23505"));

        assertThatThrownBy(() -> runner.inTransaction("work", () -> {
            attempts.incrementAndGet();
            throw violation;
        })).isSameAs(violation);
        assertThat(attempts).hasValue(1);
        assertThat(transactions.events).containsExactly("begin", "rollback");
    }

    /** Records what the template asks of it, with no resource behind. */
    private static final class RecordingTransactionManager extends AbstractPlatformTransactionManager {

        final List<String> events = new ArrayList<>();
        final List<Integer> propagations = new ArrayList<>();

        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
            events.add("begin");
            propagations.add(definition.getPropagationBehavior());
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
            events.add("commit");
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
            events.add("rollback");
        }
    }
}
