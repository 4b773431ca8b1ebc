package com.sagaworks.orchestrator.admin;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How far the consumer groups reading a command topic are behind its end, from the broker (Kafka AdminClient,
 * bounded by a short timeout). Only the saga detail page asks, so lists stay cheap.
 */
@Component
class ConsumerLag implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Map<String, Object> config;
    private Admin admin;

    ConsumerLag(KafkaAdmin kafkaAdmin) {
        this.config = kafkaAdmin.getConfigurationProperties();
    }

    /** One line per group with committed offsets on {@code topic}, or why there is none. */
    String describe(String topic) {
        try {
            Admin client = client();
            List<String> groups = new ArrayList<>();
            // listConsumerGroups is deprecated for listGroups in newer clients; it still lists exactly consumer groups
            @SuppressWarnings("deprecation")
            var listings = client.listConsumerGroups().all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            for (ConsumerGroupListing listing : listings) {
                groups.add(listing.groupId());
            }
            if (groups.isEmpty()) {
                return "no consumer group exists on the broker";
            }
            Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
            groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
            Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = client.listConsumerGroupOffsets(specs)
                    .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            committed.values().forEach(offsets -> offsets.keySet().stream().filter(tp -> tp.topic().equals(topic))
                    .forEach(tp -> ends.put(tp, OffsetSpec.latest())));
            if (ends.isEmpty()) {
                return "no consumer group has committed offsets on " + topic + ": nobody has read it yet";
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = client.listOffsets(ends).all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<String> lines = new ArrayList<>();
            committed.forEach((group, offsets) -> {
                long lag = offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                        .mapToLong(e -> end.get(e.getKey()).offset() - e.getValue().offset()).sum();
                if (offsets.keySet().stream().anyMatch(tp -> tp.topic().equals(topic))) {
                    lines.add("group " + group + " lag " + lag);
                }
            });
            return topic + ": " + String.join(", ", lines);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("consumer lag of {} unavailable: {}", topic, e.toString());
            return "consumer lag of " + topic + " unavailable (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "consumer lag of " + topic + " unavailable (interrupted)";
        }
    }

    private synchronized Admin client() {
        if (admin == null) {
            admin = Admin.create(config);
        }
        return admin;
    }

    @Override
    public synchronized void destroy() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
