package com.sagaworks.orchestrator.engine;

import com.sagaworks.messaging.retry.TransactionRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Finds sagas whose step deadline passed and lets the engine re-send or give up. Each round is one short
 * transaction over a batch locked with SKIP LOCKED, so several orchestrator instances can sweep side by side;
 * when nothing is due the round is one index lookup.
 */
public class DeadlineSweeper {

    private static final Logger log = LoggerFactory.getLogger(DeadlineSweeper.class);

    private final SagaRepository sagas;
    private final SagaEngine engine;
    private final TransactionRunner transactions;
    private final Clock clock;
    private final int batchSize;

    public DeadlineSweeper(SagaRepository sagas, SagaEngine engine, TransactionRunner transactions, Clock clock,
                           int batchSize) {
        this.sagas = sagas;
        this.engine = engine;
        this.transactions = transactions;
        this.clock = clock;
        this.batchSize = batchSize;
    }

    @Scheduled(fixedDelayString = "${sagaworks.orchestrator.sweep-interval:1s}")
    public void sweep() {
        int handled;
        do {
            handled = transactions.inTransaction("sweep saga deadlines", () -> {
                List<UUID> due = sagas.lockDue(clock.instant(), batchSize);
                due.forEach(engine::onDeadline);
                return due.size();
            });
            if (handled > 0) {
                log.info("handled {} passed saga deadlines", handled);
            }
        } while (handled == batchSize);
    }
}
