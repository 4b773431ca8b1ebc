package com.sagaworks.system.chaos;

import com.sagaworks.contracts.Topics;
import com.sagaworks.stack.Service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * When each fault happens, made from the seed alone: the same seed and plan give the same faults, services,
 * outage lengths and start times. (What the faults hit is timing: the same seed cannot replay a race.)
 */
record FaultSchedule(List<Planned> faults) {

    private static final List<String> DUPLICABLE_TOPICS = List.of(Topics.ORDER_EVENTS, Topics.INVENTORY_COMMANDS,
            Topics.INVENTORY_REPLIES, Topics.PAYMENT_COMMANDS, Topics.PAYMENT_REPLIES, Topics.ORDER_COMMANDS,
            Topics.ORDER_REPLIES);
    /**
     * Participants whose late answers the saga must survive. order-service is left out on purpose: an ApproveOrder
     * answered after the saga gave up confirms the order, and the CancelOrder behind it is refused, so the saga
     * ends FAILED for support (by design, but not what this fault is about).
     */
    private static final List<Service> SLOW_PARTICIPANTS = List.of(Service.INVENTORY, Service.PAYMENT);
    private static final Duration KILL_DOWN_MIN = Duration.ofSeconds(1);
    private static final Duration KILL_DOWN_MAX = Duration.ofSeconds(6);
    private static final Duration POSTGRES_DOWN_MIN = Duration.ofSeconds(2);
    private static final Duration POSTGRES_DOWN_MAX = Duration.ofSeconds(6);

    /** A fault and when, after the load started, it is due. */
    record Planned(Duration at, Fault fault) {
    }

    static FaultSchedule of(ChaosPlan plan, long seed) {
        Random random = new Random(seed);
        List<Fault> faults = new ArrayList<>();
        Service[] services = Service.values();
        for (int i = 0; i < plan.singleKills(); i++) {
            faults.add(new Fault.KillServices(List.of(services[random.nextInt(services.length)]),
                    between(random, KILL_DOWN_MIN, KILL_DOWN_MAX)));
        }
        for (int i = 0; i < plan.doubleKills(); i++) {
            List<Service> shuffled = new ArrayList<>(List.of(services));
            Collections.shuffle(shuffled, random);
            faults.add(new Fault.KillServices(List.copyOf(shuffled.subList(0, 2)),
                    between(random, KILL_DOWN_MIN, KILL_DOWN_MAX)));
        }
        for (int i = 0; i < plan.brokerRestarts(); i++) {
            faults.add(new Fault.BrokerOutage(between(random, plan.brokerDownMin(), plan.brokerDownMax())));
        }
        for (int i = 0; i < plan.postgresRestarts(); i++) {
            faults.add(new Fault.PostgresOutage(between(random, POSTGRES_DOWN_MIN, POSTGRES_DOWN_MAX)));
        }
        for (int i = 0; i < plan.duplicateBatches(); i++) {
            faults.add(new Fault.DuplicateDelivery(DUPLICABLE_TOPICS.get(random.nextInt(DUPLICABLE_TOPICS.size())),
                    plan.duplicatesPerBatch()));
        }
        for (int i = 0; i < plan.replays(); i++) {
            faults.add(new Fault.Replay(services[random.nextInt(services.length)]));
        }
        for (int i = 0; i < plan.refundOutages(); i++) {
            faults.add(new Fault.RefundOutage(between(random, plan.refundDownMin(), plan.refundDownMax()),
                    plan.refundOrders()));
        }
        for (int i = 0; i < plan.slowParticipants(); i++) {
            faults.add(new Fault.SlowParticipant(SLOW_PARTICIPANTS.get(random.nextInt(SLOW_PARTICIPANTS.size())),
                    between(random, plan.pauseMin(), plan.pauseMax()), plan.pauseOrders()));
        }
        Collections.shuffle(faults, random);
        // spread over the load, from 10 % to 85 % of it, each slot jittered: faults hit a system under load, and
        // the last one leaves the load some time to run on a recovered system
        long load = plan.loadDuration().toMillis();
        long first = load / 10;
        long span = load * 75 / 100;
        long slot = faults.isEmpty() ? 0 : span / faults.size();
        List<Planned> planned = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            long jitter = slot == 0 ? 0 : random.nextLong(slot / 2 + 1);
            planned.add(new Planned(Duration.ofMillis(first + i * slot + jitter), faults.get(i)));
        }
        return new FaultSchedule(List.copyOf(planned));
    }

    private static Duration between(Random random, Duration min, Duration max) {
        return Duration.ofMillis(min.toMillis() + random.nextLong(max.toMillis() - min.toMillis() + 1));
    }
}
