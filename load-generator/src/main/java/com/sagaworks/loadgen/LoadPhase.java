package com.sagaworks.loadgen;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One open-model run: sends orders on the {@link ArrivalSchedule} for the given time, then waits (bounded) for the
 * orders still in flight. One scheduler thread only hands each order to the asynchronous HTTP client, so a slow
 * answer never delays the next send; latencies are recorded from the order's due time.
 */
final class LoadPhase {

    /**
     * @param rate             target orders per second
     * @param sent             orders sent
     * @param completed        orders that reached a final status
     * @param errors           orders that failed (HTTP error, timeout, still pending after every wait)
     * @param outcomes         final outcomes
     * @param unexpected       orders whose outcome differed from the one they were built for
     * @param sendWindowSeconds time from the first due send to the end of sending
     * @param completedInWindow orders completed before sending ended, for the sustained completion rate
     * @param inFlightSamples  orders in flight, once a second during sending
     * @param maxSendDelayMs   worst lateness of the scheduler behind the schedule
     * @param endToEnd         due time to final status, the coordinated-omission-free latency
     * @param acceptToFinal    202 Accepted to final status
     * @param firstError       the first error's message, or null
     * @param errorsByKind     errors counted by {@link OrderClient#kindOf kind} (request and failure), orders still
     *                         in flight after the drain included
     * @param refusalsRetried  {@code 503} answers (overloaded, or the order store busy) retried after their
     *                         {@code Retry-After}
     */
    record Result(double rate, long sent, long completed, long errors, Map<Outcome, Long> outcomes, long unexpected,
                  double sendWindowSeconds, long completedInWindow, List<Long> inFlightSamples, double maxSendDelayMs,
                  Histogram endToEnd, Histogram acceptToFinal, String firstError, Map<String, Long> errorsByKind,
                  long refusalsRetried) {

        long inFlightAtEndOfSending() {
            return inFlightSamples.isEmpty() ? 0 : inFlightSamples.getLast();
        }

        double completedPerSecond() {
            return sendWindowSeconds <= 0 ? 0 : completedInWindow / sendWindowSeconds;
        }
    }

    private final OrderClient client;
    private final OrderMix mix;
    private final Catalog catalog;
    private final PrintStream progress;

    LoadPhase(OrderClient client, OrderMix mix, Catalog catalog, PrintStream progress) {
        this.client = client;
        this.mix = mix;
        this.catalog = catalog;
        this.progress = progress;
    }

    Result run(double rate, double durationSeconds, double drainSeconds, String label) throws InterruptedException {
        Recorder endToEnd = new Recorder(LatencySummary.HIGHEST_TRACKABLE_NANOS, 3);
        Recorder acceptToFinal = new Recorder(LatencySummary.HIGHEST_TRACKABLE_NANOS, 3);
        LongAdder completed = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder unexpected = new LongAdder();
        Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, new LongAdder());
        }
        ConcurrentLinkedQueue<String> errorMessages = new ConcurrentLinkedQueue<>();
        Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
        AtomicLong sent = new AtomicLong();
        AtomicLong maxDelay = new AtomicLong();

        long refusalsBefore = client.refusalsRetried();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        ArrivalSchedule schedule = ArrivalSchedule.of(start, rate, durationSeconds);
        Thread scheduler = Thread.ofPlatform().name("loadgen-scheduler").start(() -> {
            for (long i = 0; i < schedule.count(); i++) {
                long due = schedule.dueNanos(i);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                maxDelay.accumulateAndGet(System.nanoTime() - due, Math::max);
                Outcome wanted = mix.outcomeOf(i);
                int pick = (int) (i % Integer.MAX_VALUE);
                String customer = wanted == Outcome.DECLINED ? Catalog.BROKE_CUSTOMER : catalog.customer(pick * 7);
                String sku = wanted == Outcome.OUT_OF_STOCK ? Catalog.SCARCE_SKU : catalog.sku(pick * 13);
                sent.incrementAndGet();
                client.place(customer, sku, 1).whenComplete((result, failure) -> {
                    if (failure != null) {
                        errors.increment();
                        errorKinds.computeIfAbsent(OrderClient.kindOf(failure), kind -> new LongAdder()).increment();
                        if (errorMessages.size() < 5) {
                            errorMessages.add(String.valueOf(failure.getCause() != null ? failure.getCause() : failure));
                        }
                        return;
                    }
                    endToEnd.recordValue(Math.min(result.finishedNanos() - due, LatencySummary.HIGHEST_TRACKABLE_NANOS));
                    acceptToFinal.recordValue(Math.min(result.finishedNanos() - result.acceptedNanos(),
                            LatencySummary.HIGHEST_TRACKABLE_NANOS));
                    outcomes.get(result.outcome()).increment();
                    if (result.outcome() != wanted) {
                        unexpected.increment();
                    }
                    completed.increment();
                });
            }
        });

        List<Long> inFlightSamples = new ArrayList<>();
        LongSupplier inFlight = () -> sent.get() - completed.sum() - errors.sum();
        long lastCompleted = 0;
        long nextTick = start + TimeUnit.SECONDS.toNanos(1);
        while (scheduler.isAlive()) {
            scheduler.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime())));
            if (System.nanoTime() >= nextTick && scheduler.isAlive()) {
                long done = completed.sum();
                inFlightSamples.add(inFlight.getAsLong());
                printProgress(label, rate, start, sent.get(), done - lastCompleted, inFlight.getAsLong(), done,
                        errors.sum());
                lastCompleted = done;
                nextTick += TimeUnit.SECONDS.toNanos(1);
            }
        }
        long sendingEnded = System.nanoTime();
        long completedInWindow = completed.sum();
        inFlightSamples.add(inFlight.getAsLong());

        long drainDeadline = sendingEnded + (long) (drainSeconds * 1e9);
        while (inFlight.getAsLong() > 0 && System.nanoTime() < drainDeadline) {
            Thread.sleep(200);
        }
        long leftInFlight = inFlight.getAsLong();
        printProgress(label + " done", rate, start, sent.get(), 0, leftInFlight, completed.sum(), errors.sum());

        Map<Outcome, Long> outcomeCounts = new EnumMap<>(Outcome.class);
        outcomes.forEach((outcome, count) -> outcomeCounts.put(outcome, count.sum()));
        long errorCount = errors.sum() + leftInFlight;
        String firstError = errorMessages.peek();
        if (firstError == null && leftInFlight > 0) {
            firstError = leftInFlight + " orders still in flight " + drainSeconds + " s after sending ended";
        }
        Map<String, Long> errorsByKind = new TreeMap<>();
        errorKinds.forEach((kind, count) -> errorsByKind.put(kind, count.sum()));
        if (leftInFlight > 0) {
            errorsByKind.put("still in flight after the drain", leftInFlight);
        }
        return new Result(rate, sent.get(), completed.sum(), errorCount, outcomeCounts, unexpected.sum(),
                (sendingEnded - start) / 1e9, completedInWindow, List.copyOf(inFlightSamples),
                maxDelay.get() / 1e6, endToEnd.getIntervalHistogram(), acceptToFinal.getIntervalHistogram(),
                firstError, errorsByKind, client.refusalsRetried() - refusalsBefore);
    }

    private void printProgress(String label, double rate, long start, long sent, long completedLastSecond,
                               long inFlight, long completed, long errors) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        progress.printf("[%s] %5.0fs target %.0f/s  sent %d (%.0f/s)  completed %d (%d in last s)  in flight %d  errors %d%n",
                label, elapsed, rate, sent, elapsed > 0 ? sent / elapsed : 0, completed, completedLastSecond, inFlight,
                errors);
    }
}
