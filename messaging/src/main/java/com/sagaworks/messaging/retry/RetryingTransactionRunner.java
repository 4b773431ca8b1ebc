package com.sagaworks.messaging.retry;

import com.sagaworks.messaging.metrics.MessagingMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryState;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * {@link TransactionRunner} on Spring's {@link TransactionTemplate} and core {@link RetryTemplate}: each attempt
 * is a new transaction ({@code REQUIRES_NEW}, so a retry never runs inside the transaction that failed), and
 * only errors {@link TransientErrors} calls transient are retried, with exponential backoff and jitter.
 */
public class RetryingTransactionRunner implements TransactionRunner {

    private static final Logger log = LoggerFactory.getLogger(RetryingTransactionRunner.class);

    private final TransactionTemplate transactions;
    private final RetryTemplate retries;
    private final int maxAttempts;
    private final MessagingMetrics metrics;

    /**
     * @param maxAttempts  attempts in total, the first one included
     * @param initialDelay pause before the first retry; doubled for each further one
     * @param maxDelay     cap of the pause
     */
    public RetryingTransactionRunner(PlatformTransactionManager transactionManager, int maxAttempts,
                                     Duration initialDelay, Duration maxDelay) {
        this(transactionManager, maxAttempts, initialDelay, maxDelay, MessagingMetrics.none());
    }

    /** As above, counting each retry by SQLSTATE in {@code metrics}. */
    public RetryingTransactionRunner(PlatformTransactionManager transactionManager, int maxAttempts,
                                     Duration initialDelay, Duration maxDelay, MessagingMetrics metrics) {
        this.metrics = metrics;
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.transactions = new TransactionTemplate(transactionManager);
        this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        RetryPolicy policy = RetryPolicy.builder()
                .maxRetries(maxAttempts - 1)
                .delay(initialDelay)
                .multiplier(2)
                .maxDelay(maxDelay)
                // Spreads the retries of transactions that collided, so they do not collide again in step.
                .jitter(initialDelay.dividedBy(2))
                .predicate(TransientErrors::isTransient)
                .build();
        this.retries = new RetryTemplate(policy);
        this.retries.setRetryListener(new LoggingListener());
    }

    @Override
    public <T> T inTransaction(String operation, Supplier<T> work) {
        try {
            return retries.execute(new Retryable<T>() {
                @Override
                public T execute() {
                    return transactions.execute(status -> work.get());
                }

                @Override
                public String getName() {
                    return operation;
                }
            });
        } catch (RetryException e) {
            // The policy stopped: a permanent error, the last transient one, or an interrupt during backoff.
            Throwable last = e.getLastException() != null ? e.getLastException() : e;
            switch (last) {
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new UndeclaredThrowableException(last, operation + " failed");
            }
        }
    }

    private final class LoggingListener implements RetryListener {

        @Override
        public void beforeRetry(RetryPolicy policy, Retryable<?> retryable, RetryState state) {
            Throwable cause = state.getLastException();
            metrics.transientRetry(TransientErrors.sqlState(cause));
            log.info("retrying {} (attempt {} of {}) after transient error, SQLSTATE {}: {}", retryable.getName(),
                    state.getRetryCount() + 1, maxAttempts, TransientErrors.sqlState(cause), summary(cause));
        }

        @Override
        public void onRetryPolicyExhaustion(RetryPolicy policy, Retryable<?> retryable, RetryException exception) {
            Throwable cause = exception.getLastException();
            // Also called when the first error was permanent; that one is the caller's to report.
            if (cause != null && TransientErrors.isTransient(cause)) {
                log.warn("{} still failing after {} attempts, SQLSTATE {}: {}", retryable.getName(),
                        exception.getRetryCount() + 1, TransientErrors.sqlState(cause), summary(cause));
            }
        }

        private static String summary(Throwable error) {
            return error == null ? "" : error.getClass().getSimpleName() + ": " + error.getMessage();
        }
    }
}
