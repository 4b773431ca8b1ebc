package com.sagaworks.testing;

import com.sagaworks.contracts.MessageCatalog;
import com.sagaworks.contracts.MessageHeaders;
import com.sagaworks.contracts.SagaMessage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Plays the other side of a service in tests: publishes catalogued messages with the same headers the
 * outbox relay writes, and collects what the service publishes. One instance per test class; close it after.
 */
public final class KafkaTestClient implements AutoCloseable {

    /** A record as received, with its headers decoded as strings. */
    public record Received(String topic, String key, Map<String, String> headers, String value) {

        public String type() {
            return headers.get(MessageHeaders.MESSAGE_TYPE);
        }

        public UUID messageId() {
            return UUID.fromString(headers.get(MessageHeaders.MESSAGE_ID));
        }

        public <T> T as(Class<T> type) {
            return JSON.readValue(value, type);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    /** Starts collecting everything published to {@code topics} from now on (plus anything already there). */
    public KafkaTestClient(String bootstrapServers, String... topics) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-client-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topics));
        poller = Thread.ofPlatform().name("kafka-test-client").daemon().start(this::poll);
    }

    private void poll() {
        while (running) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                Map<String, String> headers = new HashMap<>();
                for (Header h : r.headers()) {
                    headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                }
                received.add(new Received(r.topic(), r.key(), headers, r.value()));
            }
        }
        consumer.close();
    }

    /** Publishes {@code message} as its producer's relay would, under a fresh message id; returns that id. */
    public UUID send(Object message) {
        return send(UUID.randomUUID(), message, Map.of());
    }

    /** Publishes {@code message} under the given id (send the same id twice to simulate a redelivery). */
    public UUID send(UUID messageId, Object message, Map<String, String> extraHeaders) {
        MessageCatalog.Entry entry = MessageCatalog.of(message);
        sendRaw(entry.topic(), entry.keyOf(message), JSON.writeValueAsString(message),
                headersOf(messageId, message, extraHeaders));
        return messageId;
    }

    /**
     * The record {@link #send(UUID, Object, Map)} would publish, as a consumer receives it at {@code offset} of
     * partition 0: to hand a batch of chosen records to a listener directly.
     */
    public static ConsumerRecord<String, String> consumerRecord(UUID messageId, Object message,
                                                                Map<String, String> extraHeaders, long offset) {
        MessageCatalog.Entry entry = MessageCatalog.of(message);
        RecordHeaders headers = new RecordHeaders();
        headersOf(messageId, message, extraHeaders)
                .forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return new ConsumerRecord<>(entry.topic(), 0, offset, System.currentTimeMillis(), TimestampType.CREATE_TIME,
                -1, -1, entry.keyOf(message), JSON.writeValueAsString(message), headers, Optional.empty());
    }

    private static Map<String, String> headersOf(UUID messageId, Object message, Map<String, String> extraHeaders) {
        MessageCatalog.Entry entry = MessageCatalog.of(message);
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.put(MessageHeaders.MESSAGE_ID, messageId.toString());
        headers.put(MessageHeaders.MESSAGE_TYPE, entry.typeName());
        if (message instanceof SagaMessage m) {
            headers.put(MessageHeaders.SAGA_ID, m.sagaId().toString());
        }
        return headers;
    }

    /** Publishes any value with any headers, for poison-message tests. */
    public void sendRaw(String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }

    /** Everything received so far that matches. */
    public List<Received> received(Predicate<Received> filter) {
        return new ArrayList<>(received.stream().filter(filter).toList());
    }

    /** Everything received so far with this record key. */
    public List<Received> receivedWithKey(String key) {
        return received(r -> key.equals(r.key()));
    }

    /** Waits until at least {@code count} matching records arrived and returns them. */
    public List<Received> awaitReceived(Predicate<Received> filter, int count, Duration timeout) {
        await().atMost(timeout).until(() -> received(filter).size() >= count);
        return received(filter);
    }

    /** Waits for the first record with this key on this topic. */
    public Received awaitOne(String topic, String key, Duration timeout) {
        return awaitReceived(r -> r.topic().equals(topic) && key.equals(r.key()), 1, timeout).getFirst();
    }

    @Override
    public void close() {
        running = false;
        try {
            poller.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
