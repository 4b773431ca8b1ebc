package com.sagaworks.system.chaos;

import java.time.Duration;

/**
 * How big a chaos run is: the load (how many orders, how fast, which share is meant to fail) and how many faults
 * of each kind the schedule holds. The schedule itself (when, which service, how long down) comes from the seed.
 *
 * @param name                 how the report calls this size
 * @param orders               orders the clients place
 * @param ordersPerSecond      steady placement rate
 * @param singleKills          faults that kill -9 one service, then start it again
 * @param doubleKills          faults that kill -9 two services at once
 * @param brokerRestarts       Kafka broker kill -9, down for a while with orders still arriving, started again
 * @param brokerDownMin        shortest broker outage
 * @param brokerDownMax        longest broker outage
 * @param postgresRestarts     PostgreSQL immediate shutdown, then started again on the same data directory
 * @param duplicateBatches     faults that re-publish already consumed records with their original headers
 * @param duplicatesPerBatch   records re-published per such fault
 * @param replays              a service stopped, its consumer group reset to the earliest offsets, started again
 * @param declineShare         share of orders from customers who cannot pay
 * @param scarceShare          share of orders that ask for a product with too little stock for all of them
 * @param overLimitShare       share of the steady orders above order-service's approval limit: charged, refused
 *                             approval, refunded
 * @param refundOutages        faults that make the payment provider refuse refunds (503) for a while
 * @param refundDownMin        shortest refund outage, counted from the first refund refused
 * @param refundDownMax        longest refund outage; with the 2 s retry backoff it must stay well inside
 *                             payment-service's 100 refund attempts (over 3 minutes), so every such saga ends
 *                             COMPENSATED
 * @param refundOrders         orders above the approval limit each refund outage places as it starts (part of
 *                             {@code orders}), so refunds happen during it
 * @param slowParticipants     faults that SIGSTOP inventory-service or payment-service, then SIGCONT it
 * @param pauseMin             shortest pause; longer than the step deadline (20 s), so commands are re-sent
 * @param pauseMax             longest pause; above a forward step's whole budget (140 s) the sagas that waited
 *                             from its start give up and compensate; it must stay well below a compensation's budget
 *                             (10 sends, 21 min with the 20 s step timeout), so that no saga is left FAILED
 * @param pauseOrders          orders each pause places while the participant is stopped (part of {@code orders})
 * @param orderDeadline        how long a client retries one order (same Idempotency-Key) before giving up
 * @param settleTimeout        how long the system may take to settle once the load and the faults are over
 * @param reportFile           where the Markdown report goes (relative to the module directory)
 */
public record ChaosPlan(String name, int orders, double ordersPerSecond, int singleKills, int doubleKills,
                        int brokerRestarts, Duration brokerDownMin, Duration brokerDownMax, int postgresRestarts,
                        int duplicateBatches, int duplicatesPerBatch, int replays, double declineShare,
                        double scarceShare, double overLimitShare, int refundOutages, Duration refundDownMin,
                        Duration refundDownMax, int refundOrders, int slowParticipants, Duration pauseMin,
                        Duration pauseMax, int pauseOrders, Duration orderDeadline, Duration settleTimeout,
                        String reportFile) {

    /** A few minutes on a 2-core machine: every kind of fault at least once. */
    public static ChaosPlan ci() {
        return new ChaosPlan("ci", 200, 2.0, 1, 1, 1, Duration.ofSeconds(8), Duration.ofSeconds(12), 1, 2, 5, 1,
                0.10, 0.10, 0.03, 1, Duration.ofSeconds(5), Duration.ofSeconds(15), 4, 1, Duration.ofSeconds(25),
                Duration.ofSeconds(40), 6, Duration.ofMinutes(3), Duration.ofMinutes(3), "target/chaos-report-ci.md");
    }

    /**
     * The long run of issue #6: 10,000 sagas, 50 kills (30 single, 10 double), 5 broker restarts, 2 PostgreSQL
     * restarts, 5 % declines, 1 % duplicates (10 batches of 10 records), 2 full replays, 3 refund outages of
     * 5-30 s, 3 participants stopped for 25-200 s.
     */
    public static ChaosPlan longRun() {
        return new ChaosPlan("long", 10_000, 8.0, 30, 10, 5, Duration.ofSeconds(5), Duration.ofSeconds(30), 2, 10,
                10, 2, 0.05, 0.05, 0.02, 3, Duration.ofSeconds(5), Duration.ofSeconds(30), 5, 3,
                Duration.ofSeconds(25), Duration.ofSeconds(200), 8, Duration.ofMinutes(5), Duration.ofMinutes(15),
                "target/chaos-report.md");
    }

    /** Orders the faults place themselves (at a refund outage's start, during a pause); the rest come steadily. */
    public int faultOrders() {
        return refundOutages * refundOrders + slowParticipants * pauseOrders;
    }

    /** Service processes killed over the run. */
    public int kills() {
        return singleKills + 2 * doubleKills;
    }

    /** How long placing the steady orders takes at the planned rate. */
    public Duration loadDuration() {
        return Duration.ofMillis((long) ((orders - faultOrders()) / ordersPerSecond * 1000));
    }
}
