package com.sagaworks.payment.ledger;

import com.sagaworks.messaging.consumer.BatchConsumer;
import com.sagaworks.messaging.retry.TransactionRunner;
import com.sagaworks.payment.provider.ConditionalOnHttpProvider;
import com.sagaworks.payment.provider.PaymentProvider;
import com.sagaworks.payment.provider.PaymentsProperties;
import com.sagaworks.payment.provider.ProviderOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Calls the external provider for due attempts, outside any transaction. One thread per instance: woken after
 * a commit that made an attempt due ({@link AttemptWakeUps}), when the earliest backoff ends, and at least
 * every poll interval: the recovery poll, which also finds attempts whose worker died (their claim lease ran
 * out). Each round claims a batch and commits ({@code FOR UPDATE SKIP LOCKED}, so instances share the work),
 * calls the provider for each attempt on its own virtual thread, and records each outcome in a new short
 * transaction through {@link DeferredSettlement#record}.
 *
 * <p>What a round sends is {@link ProviderRound}'s decision: after a round that may have reached the provider
 * it asks the key's status first, so a charge that succeeded while its caller saw a timeout is recorded, not
 * sent again; the provider's deduplication on the key is the second line of defence.
 */
@Component
@ConditionalOnHttpProvider
class ProviderAttemptWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProviderAttemptWorker.class);

    private static final Duration MIN_WAIT = Duration.ofMillis(20);

    private final ProviderAttempts attempts;
    private final ProviderRound providerRound;
    private final DeferredSettlement settlement;
    private final TransactionRunner transactions;
    private final AttemptWakeUps wakeUps;
    private final PaymentsProperties.Attempts settings;

    private volatile boolean running;
    private volatile Thread loop;

    ProviderAttemptWorker(ProviderAttempts attempts, PaymentProvider provider, DeferredSettlement settlement,
                          TransactionRunner transactions, AttemptWakeUps wakeUps, PaymentsProperties properties) {
        this.attempts = attempts;
        this.providerRound = new ProviderRound(provider);
        this.settlement = settlement;
        this.transactions = transactions;
        this.wakeUps = wakeUps;
        this.settings = properties.attempts();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        loop = Thread.ofPlatform().name("provider-attempts").start(this::run);
        log.info("provider attempt worker started (batch size {}, recovery poll every {})", settings.batchSize(),
                settings.pollInterval());
    }

    /**
     * Lets the current round finish (its calls end within their timeouts) and stops. Attempts left claimed by a
     * round that did not finish come back to the recovery poll when their lease runs out.
     */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        wakeUps.wake();
        Thread thread = loop;
        try {
            thread.join(settings.claimLease());
            if (thread.isAlive()) {
                log.warn("provider attempt worker still busy after {}; interrupting it", settings.claimLease());
                thread.interrupt();
                thread.join(settings.claimLease());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("provider attempt worker stopped");
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        while (running) {
            Duration wait = settings.pollInterval();
            try {
                // a full batch means more may be due: go on without waiting
                while (running && round() == settings.batchSize()) {
                    log.debug("provider attempt round claimed a full batch; claiming again");
                }
                wait = untilNextDue();
            } catch (RuntimeException e) {
                log.error("provider attempt round failed; the recovery poll tries again in {}",
                        settings.pollInterval(), e);
            }
            try {
                wakeUps.await(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Until the earliest backoff ends, so a retry goes out when it is due rather than at the next poll; never
     * longer than the poll interval, and never a busy loop while a due attempt is locked by a transaction that
     * is still deciding about it.
     */
    private Duration untilNextDue() {
        return attempts.untilNextDue()
                .map(due -> due.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : due)
                .filter(due -> due.compareTo(settings.pollInterval()) < 0)
                .orElse(settings.pollInterval());
    }

    /** Claims the due attempts, calls the provider for each and records the outcomes; returns how many. */
    int round() {
        List<ProviderAttempts.Claimed> claimed = transactions.inTransaction("claim provider attempts",
                () -> attempts.claimDue(settings.batchSize(), settings.claimLease()));
        if (claimed.isEmpty()) {
            return 0;
        }
        // close() waits for every call and its recording
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            claimed.forEach(attempt -> calls.submit(() -> settle(attempt)));
        }
        return claimed.size();
    }

    private void settle(ProviderAttempts.Claimed claimed) {
        ProviderAttempt attempt = claimed.attempt();
        MDC.put(BatchConsumer.MDC_SAGA_ID, attempt.sagaId().toString());
        try {
            ProviderOutcome outcome = providerRound.call(claimed);
            transactions.inTransaction("record provider outcome", () -> settlement.record(attempt, outcome));
        } catch (RuntimeException e) {
            log.error("saga {} (order {}): could not settle {} round {}; the attempt stays PENDING and the "
                            + "recovery poll takes it again when its claim runs out", attempt.sagaId(),
                    attempt.orderId(), attempt.kind(), attempt.attempts(), e);
        } finally {
            MDC.remove(BatchConsumer.MDC_SAGA_ID);
        }
    }
}
