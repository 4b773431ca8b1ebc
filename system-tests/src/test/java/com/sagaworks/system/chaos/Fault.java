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
}
