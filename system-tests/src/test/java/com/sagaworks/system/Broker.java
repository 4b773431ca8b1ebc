package com.sagaworks.system;

import com.sagaworks.contracts.Topics;
import com.sagaworks.stack.Service;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the broker knows about the services: whether each one's consumer group has its partitions, how far
 * behind each group is, and whether anything went to a dead-letter topic.
 */
public final class Broker implements AutoCloseable {

    /** Each service consumes in one group named after it (spring.application.name). */
    static final Set<String> SERVICE_GROUPS = Arrays.stream(Service.values())
            .map(Service::artifactId)
            .collect(Collectors.toUnmodifiableSet());

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Admin admin;

    Broker(String bootstrapServers) {
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis() / 2,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis()));
    }

    /**
     * A service reports UP before its listener has joined its group and received partitions; a message
     * published in that gap waits for the assignment. Tests start once every group is stable with partitions
     * assigned, so the time they measure is the saga's, not the services' startup.
     */
    void awaitConsumersReady() {
        await("every service's consumer group stable with partitions assigned")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(groupsWithoutPartitions())
                        .as("consumer groups not ready (state, members, assigned partitions)")
                        .isEmpty());
    }

    private Map<String, String> groupsWithoutPartitions() {
        Map<String, ConsumerGroupDescription> groups = call(() -> admin.describeConsumerGroups(SERVICE_GROUPS).all());
        Map<String, String> notReady = new TreeMap<>();
        groups.forEach((name, group) -> {
            int assigned = group.members().stream()
                    .map(MemberDescription::assignment)
                    .mapToInt(assignment -> assignment.topicPartitions().size())
                    .sum();
            if (group.groupState() != GroupState.STABLE || assigned == 0) {
                notReady.put(name, group.groupState() + ", " + group.members().size() + " members, " + assigned
                        + " partitions");
            }
        });
        return notReady;
    }

    /** Messages each service's group has not yet consumed and committed, over all its partitions. */
    public Map<String, Long> lagByGroup() {
        Map<String, Long> lag = new HashMap<>();
        for (String group : SERVICE_GROUPS) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    call(() -> admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResultInfo> ends = call(() -> admin.listOffsets(latest).all());
            long behind = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
                behind += ends.get(entry.getKey()).offset() - entry.getValue().offset();
            }
            lag.put(group, behind);
        }
        return lag;
    }

    /** The dead-letter topics that hold records, with how many: a poison message anywhere in the system. */
    public Map<String, Long> deadLetters() {
        Set<String> topics = call(() -> admin.listTopics().names()).stream()
                .filter(topic -> topic.endsWith(Topics.DEAD_LETTER_SUFFIX))
                .collect(Collectors.toSet());
        Map<String, Long> deadLetters = new TreeMap<>();
        if (topics.isEmpty()) {
            return deadLetters;
        }
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        call(() -> admin.describeTopics(topics).allTopicNames()).values().forEach(topic ->
                topic.partitions().forEach(partition -> {
                    TopicPartition tp = new TopicPartition(topic.name(), partition.partition());
                    earliest.put(tp, OffsetSpec.earliest());
                    latest.put(tp, OffsetSpec.latest());
                }));
        Map<TopicPartition, ListOffsetsResultInfo> starts = call(() -> admin.listOffsets(earliest).all());
        Map<TopicPartition, ListOffsetsResultInfo> ends = call(() -> admin.listOffsets(latest).all());
        ends.forEach((partition, end) -> {
            long records = end.offset() - starts.get(partition).offset();
            if (records > 0) {
                deadLetters.merge(partition.topic(), records, Long::sum);
            }
        });
        return deadLetters;
    }

    /**
     * Moves a group's committed offsets back to the start of every partition it consumed, so that its next
     * member replays everything still on the broker. Kafka refuses while the group has members: the caller
     * stops the service first, and this retries until the group is empty.
     */
    public void resetToEarliest(String group) {
        await("offsets of " + group + " moved to the earliest")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed =
                            call(() -> admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
                    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
                    committed.keySet().forEach(partition -> earliest.put(partition, OffsetSpec.earliest()));
                    Map<TopicPartition, ListOffsetsResultInfo> starts = call(() -> admin.listOffsets(earliest).all());
                    Map<TopicPartition, OffsetAndMetadata> reset = new HashMap<>();
                    starts.forEach((partition, start) -> reset.put(partition, new OffsetAndMetadata(start.offset())));
                    call(() -> admin.alterConsumerGroupOffsets(group, reset).all());
                    return true;
                });
    }

    @Override
    public void close() {
        admin.close(CALL_TIMEOUT);
    }

    private interface AdminCall<T> {
        KafkaFuture<T> start();
    }

    private static <T> T call(AdminCall<T> call) {
        try {
            return call.start().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka admin call failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a Kafka admin call", e);
        }
    }
}
