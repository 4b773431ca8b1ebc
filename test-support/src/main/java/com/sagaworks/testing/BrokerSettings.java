package com.sagaworks.testing;

import java.util.Map;

/** Broker settings both infrastructures apply, so a test behaves the same on either. */
final class BrokerSettings {

    /**
     * Services create their topics themselves, as in production, so auto-creation stays off to catch a missing
     * topic; no rebalance delay, because every test class starts a fresh consumer group.
     */
    static final Map<String, String> ALL = Map.of(
            "auto.create.topics.enable", "false",
            "group.initial.rebalance.delay.ms", "0",
            "offsets.topic.num.partitions", "4");

    private BrokerSettings() {
    }
}
