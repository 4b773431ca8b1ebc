package com.sagaworks.system.chaos;

import com.sagaworks.system.Api;
import com.sagaworks.system.Api.Line;
import com.sagaworks.system.Api.Placement;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Places orders at a steady rate, as clients would: an order whose request fails or times out (a service down, the
 * database down) is sent again with the same Idempotency-Key and body, with backoff, until it is accepted or its
 * deadline passes. Requests run on virtual threads, so a slow answer never slows the rate.
 */
final class LoadGenerator {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(4);

    /** One order the clients will place, decided from the seed before the run. */
    record PlannedOrder(String idempotencyKey, String customerId, List<Line> lines) {
    }

    /** How placing one order ended: accepted (with its id), refused (a 4xx), or given up at the deadline. */
    record Outcome(PlannedOrder order, UUID orderId, int attempts, String failure) {
        boolean accepted() {
            return orderId != null;
        }
    }

    private final Api api;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService requests;
    private final Duration deadline;
    private final PrintStream out;
    private final AtomicLong retries = new AtomicLong();

    LoadGenerator(Api api, ScheduledExecutorService scheduler, ExecutorService requests, Duration deadline,
                  PrintStream out) {
        this.api = api;
        this.scheduler = scheduler;
        this.requests = requests;
        this.deadline = deadline;
        this.out = out;
    }

    /** Requests sent again after a failure or a timeout, over the run. */
    long retries() {
        return retries.get();
    }

    /** Starts placing; the future completes when every order has an outcome. */
    CompletableFuture<List<Outcome>> run(List<PlannedOrder> orders, double perSecond) {
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        orders.forEach(order -> outcomes.add(new CompletableFuture<>()));
        AtomicInteger next = new AtomicInteger();
        CompletableFuture<ScheduledFuture<?>> pacer = new CompletableFuture<>();
        long periodNanos = (long) (1_000_000_000L / perSecond);
        pacer.complete(scheduler.scheduleAtFixedRate(() -> {
            int index = next.getAndIncrement();
            if (index >= orders.size()) {
                pacer.join().cancel(false);
                return;
            }
            if (index > 0 && index % 100 == 0) {
                out.printf("chaos: %d of %d orders placed, %d retries so far%n", index, orders.size(), retries());
            }
            attempt(orders.get(index), 1, System.nanoTime() + deadline.toNanos(), outcomes.get(index));
        }, 0, periodNanos, TimeUnit.NANOSECONDS));
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenApply(all -> outcomes.stream().map(CompletableFuture::join).toList());
    }

    /** Places one order now, outside the steady rate (a fault's own orders), with the same retries. */
    CompletableFuture<Outcome> place(PlannedOrder order) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        attempt(order, 1, System.nanoTime() + deadline.toNanos(), outcome);
        return outcome;
    }

    private void attempt(PlannedOrder order, int attempt, long giveUpAt, CompletableFuture<Outcome> outcome) {
        requests.execute(() -> {
            String failure;
            try {
                Placement placement = api.placeOrder(order.idempotencyKey(), order.customerId(),
                        order.lines().toArray(Line[]::new));
                if (placement.status() == 202) {
                    outcome.complete(new Outcome(order, placement.orderId(), attempt, null));
                    return;
                }
                if (placement.status() < 500 && placement.status() != 408 && placement.status() != 429) {
                    outcome.complete(new Outcome(order, null, attempt,
                            "HTTP " + placement.status() + " " + placement.body()));
                    return;
                }
                failure = "HTTP " + placement.status() + " " + placement.body();
            } catch (UncheckedIOException e) {
                // connection refused or timed out: the service or its database is down; the retry below is the
                // client's answer, and the last such error is reported if the order is given up
                failure = e.getMessage() + ": " + e.getCause();
            } catch (RuntimeException e) {
                outcome.completeExceptionally(e);
                return;
            }
            retryLater(order, attempt, giveUpAt, outcome, failure);
        });
    }

    private void retryLater(PlannedOrder order, int attempt, long giveUpAt, CompletableFuture<Outcome> outcome,
                            String failure) {
        long backoff = Math.min(MAX_BACKOFF.toNanos(), FIRST_BACKOFF.toNanos() << Math.min(attempt - 1, 10));
        long jittered = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        if (System.nanoTime() + jittered > giveUpAt) {
            outcome.complete(new Outcome(order, null, attempt, "gave up after " + attempt + " attempts: " + failure));
            return;
        }
        retries.incrementAndGet();
        scheduler.schedule(() -> attempt(order, attempt + 1, giveUpAt, outcome), jittered, TimeUnit.NANOSECONDS);
    }
}
