package com.sagaworks.system.chaos;

import com.sagaworks.stack.Service;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** One fault of a chaos schedule. Each knows how it is reported; {@link FaultInjector} knows how it is done. */
sealed interface Fault {

    /** Short kind, for the counts in the report. */
    String kind();

    String describe();

    /** kill -9 of one or two services at once; each is started again after {@code down}. */
    record KillServices(List<Service> services, Duration down) implements Fault {
        @Override
        public String kind() {
            return services.size() == 1 ? "service kill -9" : "double service kill -9";
        }

        @Override
        public String describe() {
            return "kill -9 " + services.stream().map(Service::artifactId).collect(Collectors.joining(" + "))
                    + ", down " + down.toSeconds() + " s";
        }
    }

    /** kill -9 of the broker; orders keep arriving while it is down, so the outboxes fill. */
    record BrokerOutage(Duration down) implements Fault {
        @Override
        public String kind() {
            return "broker kill -9";
        }

        @Override
        public String describe() {
            return "kill -9 Kafka broker, down " + down.toSeconds() + " s";
        }
    }

    /** PostgreSQL immediate shutdown: every service's connections break, crash recovery at the next start. */
    record PostgresOutage(Duration down) implements Fault {
        @Override
        public String kind() {
            return "PostgreSQL immediate stop";
        }

        @Override
        public String describe() {
            return "PostgreSQL immediate stop, down " + down.toSeconds() + " s";
        }
    }

    /** Records already on a topic (most of them consumed) produced again, with their key and headers. */
    record DuplicateDelivery(String topic, int records) implements Fault {
        @Override
        public String kind() {
            return "duplicate delivery";
        }

        @Override
        public String describe() {
            return "re-publish " + records + " records of " + topic;
        }
    }

    /** A service stopped, its consumer group moved to the earliest offsets, started again: a full replay. */
    record Replay(Service service) implements Fault {
        @Override
        public String kind() {
            return "consumer group replay";
        }

        @Override
        public String describe() {
            return "stop " + service.artifactId() + ", reset its group to the earliest offsets, start";
        }
    }

    /**
     * The payment provider answers every refund with 503 (transient for payment-service) for {@code down}, counted
     * from the first refund it refuses; {@code orders} orders above the approval limit are placed as it starts, so
     * refunds come during the outage whatever else the load does. Their sagas must still end COMPENSATED, refunded.
     */
    record RefundOutage(Duration down, int orders) implements Fault {
        @Override
        public String kind() {
            return "refund outage at the payment provider";
        }

        @Override
        public String describe() {
            return "payment provider answers refunds 503 for " + down.toSeconds() + " s (" + orders
                    + " orders above the approval limit placed)";
        }
    }

    /**
     * SIGSTOP of a participant for {@code pause}, longer than the step deadline: the orchestrator re-sends under the
     * same id (and, past the whole budget, gives up and compensates, the compensation queued behind the action).
     * {@code orders} orders are placed during the pause, and some of them cancelled by their customer while their
     * command waits at the stopped participant, so those sagas compensate before the action is even read. After
     * SIGCONT the participant answers everything late, each command once per send (a re-send gets the stored reply
     * under the same id, which the orchestrator's inbox drops), and the orchestrator records an answer that no
     * longer fits (an action's reply to a saga already compensating) as IGNORED.
     */
    record SlowParticipant(Service service, Duration pause, int orders) implements Fault {
        @Override
        public String kind() {
            return "slow participant (SIGSTOP)";
        }

        @Override
        public String describe() {
            return "SIGSTOP " + service.artifactId() + " for " + pause.toSeconds() + " s, then SIGCONT ("
                    + orders + " orders placed meanwhile, " + FaultInjector.cancelledDuringPause(orders)
                    + " of them cancelled)";
        }
    }
}
