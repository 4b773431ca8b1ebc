package com.sagaworks.payment.ledger;

import com.sagaworks.payment.provider.ConditionalOnHttpProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wakes the {@link ProviderAttemptWorker} when a transaction that made an attempt due has committed, so a
 * charge goes out at once rather than at the next recovery poll. A wake-up carries no attempt: the worker
 * reads what is due, so a lost wake-up (a crash right after the commit) only waits for the poll.
 */
@Component
@ConditionalOnHttpProvider
class AttemptWakeUps {

    private final Semaphore signals = new Semaphore(0);

    /** Wakes the worker once the current transaction commits; nothing happens if it rolls back. */
    void wakeAfterCommit() {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                wake();
            }
        });
    }

    void wake() {
        signals.release();
    }

    /** Waits until woken or {@code timeout} passed; wake-ups that came meanwhile count as this one. */
    void await(Duration timeout) throws InterruptedException {
        if (signals.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            signals.drainPermits();
        }
    }
}
