package com.sagaworks.messaging.retry;

import java.util.function.Supplier;

/**
 * Runs a unit of work in its own transaction and, when it fails with a transient database error
 * (serialization failure, deadlock, lock or statement timeout, lost connection), rolls it back and runs it
 * again from the top, outside the failed transaction, with exponential backoff and jitter. Any other error
 * propagates at once.
 */
public interface TransactionRunner {

    /**
     * @param operation short name for logs and metrics ("place-order", "consume inventory.commands")
     * @throws RuntimeException the last error when retries are exhausted, or the first permanent one
     */
    <T> T inTransaction(String operation, Supplier<T> work);

    default void inTransaction(String operation, Runnable work) {
        inTransaction(operation, () -> {
            work.run();
            return null;
        });
    }
}
