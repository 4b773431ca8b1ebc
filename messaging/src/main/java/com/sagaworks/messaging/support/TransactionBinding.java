package com.sagaworks.messaging.support;

import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A value bound to the current transaction under a key ({@link TransactionSynchronizationManager#getResource}),
 * until {@link #close} or the end of the transaction, whichever comes first. While the transaction is suspended
 * (a {@code REQUIRES_NEW} transaction runs inside it) the value is unbound, so the inner transaction never sees
 * it, and bound again when it resumes.
 *
 * @param <T> the value's type
 */
public final class TransactionBinding<T> implements AutoCloseable {

    private final Object key;
    private final T value;
    private boolean closed;

    private TransactionBinding(Object key, T value) {
        this.key = key;
        this.value = value;
    }

    /**
     * Binds {@code value} under {@code key} in the current transaction.
     *
     * @throws IllegalTransactionStateException without an active transaction
     * @throws IllegalStateException            when something is bound under {@code key} already
     */
    public static <T> TransactionBinding<T> bind(Object key, T value) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()
                || !TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalTransactionStateException("a transaction binding needs an active transaction");
        }
        // Checked first: bindResource replaces the value it then complains about.
        if (TransactionSynchronizationManager.hasResource(key)) {
            throw new IllegalStateException("a value is bound under " + key + " already");
        }
        TransactionBinding<T> binding = new TransactionBinding<>(key, value);
        TransactionSynchronizationManager.bindResource(key, value);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void suspend() {
                binding.unbind();
            }

            @Override
            public void resume() {
                if (!binding.closed && TransactionSynchronizationManager.getResource(key) == null) {
                    TransactionSynchronizationManager.bindResource(key, value);
                }
            }

            @Override
            public void afterCompletion(int status) {
                binding.close();
            }
        });
        return binding;
    }

    /** The value bound under {@code key} in the current transaction, or {@code null}. */
    @SuppressWarnings("unchecked")
    public static <T> T current(Object key) {
        return (T) TransactionSynchronizationManager.getResource(key);
    }

    public T value() {
        return value;
    }

    /** Unbinds the value for good; it is not bound again when the transaction resumes. */
    @Override
    public void close() {
        closed = true;
        unbind();
    }

    private void unbind() {
        if (TransactionSynchronizationManager.getResource(key) == value) {
            TransactionSynchronizationManager.unbindResource(key);
        }
    }
}
