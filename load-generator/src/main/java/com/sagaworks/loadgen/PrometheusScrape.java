package com.sagaworks.loadgen;

import java.util.HashMap;
import java.util.Map;

/**
 * The few series the report needs from one {@code /actuator/prometheus} answer, summed over their tags:
 * the outbox backlog and the relay's publish-lag timer (outbox commit to broker acknowledgement).
 *
 * @param outboxBacklog    rows waiting in the outbox
 * @param publishLagCount  records the relay published, ever
 * @param publishLagSum    their summed lag in seconds
 * @param publishLagMax    the worst lag in the timer's recent window, seconds
 */
record PrometheusScrape(double outboxBacklog, double publishLagCount, double publishLagSum, double publishLagMax) {

    static final PrometheusScrape EMPTY = new PrometheusScrape(0, 0, 0, 0);

    static PrometheusScrape parse(String text) {
        Map<String, Double> sums = new HashMap<>();
        Map<String, Double> maxima = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int nameEnd = line.indexOf('{');
            int valueStart = line.lastIndexOf(' ');
            if (valueStart < 0) {
                continue;
            }
            String name = line.substring(0, nameEnd >= 0 ? nameEnd : valueStart);
            double value = Double.parseDouble(line.substring(valueStart + 1));
            if (Double.isNaN(value)) {
                continue;
            }
            sums.merge(name, value, Double::sum);
            maxima.merge(name, value, Math::max);
        }
        return new PrometheusScrape(
                sums.getOrDefault("sagaworks_outbox_backlog", 0d),
                sums.getOrDefault("sagaworks_relay_publish_lag_seconds_count", 0d),
                sums.getOrDefault("sagaworks_relay_publish_lag_seconds_sum", 0d),
                maxima.getOrDefault("sagaworks_relay_publish_lag_seconds_max", 0d));
    }

    PrometheusScrape plus(PrometheusScrape other) {
        return new PrometheusScrape(outboxBacklog + other.outboxBacklog, publishLagCount + other.publishLagCount,
                publishLagSum + other.publishLagSum, Math.max(publishLagMax, other.publishLagMax));
    }
}
