package com.sagaworks.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One real Kafka broker (KRaft) per test JVM (see {@link TestInfrastructure} for which one), started on first
 * use and stopped when the JVM exits. Topics are created by the services themselves, as in production.
 */
public final class SharedKafka {

    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private SharedKafka() {
    }

    public static String bootstrapServers() {
        return TestInfrastructure.shared().kafkaBootstrapServers();
    }

    /**
     * A new consumer group id that starts at the current end of every topic on the broker, for a test class whose
     * consumers must not replay what earlier classes left on the shared topics (a new group otherwise starts at
     * the earliest offset, as the services' consumers do, and its batches mix in those classes' records, poison
     * ones included). Topics created later are read from their beginning.
     */
    public static String newGroupStartingAtTheEnd(String prefix) {
        String groupId = prefix + "-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Set<String> topics = admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (topics.isEmpty()) {
                return groupId;
            }
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(topics).allTopicNames()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).values().stream()
                    .flatMap(topic -> topic.partitions().stream()
                            .map(p -> new TopicPartition(topic.name(), p.partition())))
                    .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = admin.listOffsets(latest).all()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
            admin.alterConsumerGroupOffsets(groupId, ends).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return groupId;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while placing consumer group " + groupId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not place consumer group " + groupId + " at the end of the topics", e);
        }
    }
}
