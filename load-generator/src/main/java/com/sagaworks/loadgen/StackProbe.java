package com.sagaworks.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Reads what the stack says about itself: each service's Prometheus meters and the consumer groups' lag. */
final class StackProbe implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<URI> metricsUrls;
    private final Admin admin;

    StackProbe(List<URI> serviceBaseUrls, String kafkaBootstrap) {
        this.metricsUrls = serviceBaseUrls.stream().map(base -> base.resolve("/actuator/prometheus")).toList();
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        this.admin = Admin.create(config);
    }

    /** The meters of every service added up; a service that does not answer is reported on stderr and left out. */
    PrometheusScrape scrape() {
        PrometheusScrape total = PrometheusScrape.EMPTY;
        for (URI url : metricsUrls) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    System.err.println("metrics: " + url + " answered " + response.statusCode());
                    continue;
                }
                total = total.plus(PrometheusScrape.parse(response.body()));
            } catch (java.io.IOException e) {
                System.err.println("metrics: " + url + " unreachable: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return total;
            }
        }
        return total;
    }

    /** Messages not yet consumed, per consumer group (end offset minus committed offset, over its partitions). */
    Map<String, Long> consumerLag() throws InterruptedException {
        Map<String, Long> lagByGroup = new LinkedHashMap<>();
        try {
            Collection<ConsumerGroupListing> groups = admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS);
            for (ConsumerGroupListing group : groups) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                        .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                long lag = 0;
                for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
                    if (entry.getValue() != null && ends.containsKey(entry.getKey())) {
                        lag += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
                    }
                }
                lagByGroup.put(group.groupId(), lag);
            }
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("consumer lag: could not read from Kafka: " + e);
        }
        return lagByGroup;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        http.close();
    }
}
