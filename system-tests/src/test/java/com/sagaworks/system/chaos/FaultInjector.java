package com.sagaworks.system.chaos;

import com.sagaworks.stack.LocalStack;
import com.sagaworks.stack.Service;
import com.sagaworks.system.Api;
import com.sagaworks.system.Broker;
import com.sagaworks.system.Db;
import com.sagaworks.system.FakePaymentProvider;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs a {@link FaultSchedule} against the stack, one fault at a time: a fault that takes long (a service that
 * needs half a minute to start) delays the next, never overlaps it, so every outage ends with the system whole
 * again. Downtimes are waited for on the scheduler, not by sleeping.
 */
final class FaultInjector {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    /** A fault as it happened: when it started (after the load started), what, and how long until all was back. */
    record Injected(Duration at, Fault fault, Duration took, String observed) {
    }

    /** A participant stopped by a {@link Fault.SlowParticipant}: from SIGSTOP to healthy again after SIGCONT. */
    record Pause(Service service, Instant from, Instant resumed, int cancelled) {
    }

    /** How long after its acceptance a pause's order is cancelled: its saga waits at the stopped participant. */
    private static final Duration CANCEL_AFTER = Duration.ofSeconds(5);

    /** How long a refund outage waits for its first refund before it gives up (and reports that none came). */
    private static final Duration FIRST_REFUND_WAIT = Duration.ofSeconds(60);

    private final LocalStack stack;
    private final Broker broker;
    private final Db db;
    private final FakePaymentProvider provider;
    private final LoadGenerator load;
    private final Api api;
    private final Deque<LoadGenerator.PlannedOrder> overLimitOrders;
    private final Deque<LoadGenerator.PlannedOrder> pauseOrders;
    private final ScheduledExecutorService scheduler;
    private final Random random;
    private final PrintStream out;
    private final List<CompletableFuture<LoadGenerator.Outcome>> placed = new CopyOnWriteArrayList<>();
    private final List<FakePaymentProvider.RefundOutage> refundOutages = new CopyOnWriteArrayList<>();
    private final List<Pause> pauses = new CopyOnWriteArrayList<>();
    private final Set<Service> suspended = ConcurrentHashMap.newKeySet();

    /**
     * @param overLimitOrders orders above the approval limit, taken by the refund outages
     * @param pauseOrders     orders taken by the slow-participant faults
     */
    FaultInjector(LocalStack stack, Broker broker, Db db, FakePaymentProvider provider, Api api, LoadGenerator load,
                  List<LoadGenerator.PlannedOrder> overLimitOrders, List<LoadGenerator.PlannedOrder> pauseOrders,
                  ScheduledExecutorService scheduler, long seed, PrintStream out) {
        this.stack = stack;
        this.broker = broker;
        this.db = db;
        this.provider = provider;
        this.load = load;
        this.api = api;
        this.overLimitOrders = new ArrayDeque<>(overLimitOrders);
        this.pauseOrders = new ArrayDeque<>(pauseOrders);
        this.scheduler = scheduler;
        // a stream of its own: which records get duplicated does not shift the schedule
        this.random = new Random(seed ^ 0x5DEECE66DL);
        this.out = out;
    }

    /** Starts the schedule, timed from {@code loadStart} (System.nanoTime); completes after the last fault. */
    CompletableFuture<List<Injected>> run(FaultSchedule schedule, long loadStart) {
        CompletableFuture<List<Injected>> done = new CompletableFuture<>();
        List<Injected> injected = Collections.synchronizedList(new ArrayList<>());
        next(schedule.faults(), 0, loadStart, injected, done);
        return done;
    }

    private void next(List<FaultSchedule.Planned> faults, int index, long loadStart, List<Injected> injected,
                      CompletableFuture<List<Injected>> done) {
        if (index == faults.size()) {
            done.complete(List.copyOf(injected));
            return;
        }
        FaultSchedule.Planned planned = faults.get(index);
        long due = planned.at().toNanos() - (System.nanoTime() - loadStart);
        scheduler.schedule(() -> {
            long started = System.nanoTime();
            Duration at = Duration.ofNanos(started - loadStart);
            out.printf("chaos: %5d s  fault %d/%d: %s%n", at.toSeconds(), index + 1, faults.size(),
                    planned.fault().describe());
            Consumer<String> recorded = observed -> {
                injected.add(new Injected(at, planned.fault(), Duration.ofNanos(System.nanoTime() - started),
                        observed));
                next(faults, index + 1, loadStart, injected, done);
            };
            try {
                inject(planned.fault(), guarded(done, recorded));
            } catch (RuntimeException | AssertionError e) {
                done.completeExceptionally(new IllegalStateException("fault " + planned.fault().describe()
                        + " could not be injected", e));
            }
        }, Math.max(0, due), TimeUnit.NANOSECONDS);
    }

    /** The rest of a fault, run later on the scheduler: a failure there ends the schedule with that cause. */
    private static Consumer<String> guarded(CompletableFuture<?> done, Consumer<String> action) {
        return observed -> {
            try {
                action.accept(observed);
            } catch (RuntimeException | AssertionError e) {
                done.completeExceptionally(e);
            }
        };
    }

    /**
     * Does the fault's first half now and schedules its recovery; {@code then} runs once all is back, with what was
     * seen meanwhile (empty when nothing worth reporting).
     */
    private void inject(Fault fault, Consumer<String> then) {
        switch (fault) {
            case Fault.KillServices kill -> {
                kill.services().forEach(stack::killService);
                later(kill.down(), () -> {
                    kill.services().forEach(stack::startService);
                    then.accept("");
                });
            }
            case Fault.BrokerOutage outage -> {
                stack.killBroker();
                later(outage.down(), () -> {
                    // the orders accepted meanwhile wait in the outboxes: they must all drain once it is back
                    String backlog = "outboxes held " + outboxBacklog() + " rows when the broker came back";
                    out.println("chaos: " + backlog);
                    stack.startBroker();
                    then.accept(backlog);
                });
            }
            case Fault.PostgresOutage outage -> {
                stack.crashPostgres();
                later(outage.down(), () -> {
                    stack.startPostgres();
                    then.accept("");
                });
            }
            case Fault.DuplicateDelivery duplicate -> {
                int sent = republish(duplicate.topic(), duplicate.records());
                then.accept(sent + " records re-published");
            }
            case Fault.Replay replay -> {
                stack.stopService(replay.service());
                broker.resetToEarliest(replay.service().artifactId());
                stack.startService(replay.service());
                then.accept("");
            }
            case Fault.RefundOutage outage -> refundOutage(outage, then);
            case Fault.SlowParticipant slow -> slowParticipant(slow, then);
        }
    }

    /** The outcomes of the orders the faults placed; complete once every one of them has an outcome. */
    CompletableFuture<List<LoadGenerator.Outcome>> placedOutcomes() {
        List<CompletableFuture<LoadGenerator.Outcome>> all = List.copyOf(placed);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(done -> all.stream().map(CompletableFuture::join).toList());
    }

    List<FakePaymentProvider.RefundOutage> refundOutages() {
        return List.copyOf(refundOutages);
    }

    List<Pause> pauses() {
        return List.copyOf(pauses);
    }

    /**
     * Ends whatever a fault left broken because the run ended early (an exception, a timeout): a suspended
     * service is continued, a refund outage ended. Call it after the fault scheduler is shut down.
     */
    void restore() {
        provider.endRefundOutage();
        for (Service service : Set.copyOf(suspended)) {
            try {
                stack.resumeService(service);
            } catch (RuntimeException e) {
                out.println("chaos: could not resume " + service.artifactId() + ": " + e.getMessage());
            }
            suspended.remove(service);
        }
    }

    private void refundOutage(Fault.RefundOutage outage, Consumer<String> then) {
        CompletableFuture<Instant> firstRefusal = provider.failRefunds();
        for (int i = 0; i < outage.orders() && !overLimitOrders.isEmpty(); i++) {
            placed.add(load.place(overLimitOrders.poll()));
        }
        // the outage lasts its planned time from the first refund refused: a refund then surely meets it
        firstRefusal.orTimeout(FIRST_REFUND_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((at, error) -> later(error == null ? outage.down() : Duration.ZERO, () -> {
                    FakePaymentProvider.RefundOutage ended = provider.endRefundOutage();
                    refundOutages.add(ended);
                    String seen = error == null
                            ? ended.refused().size() + " refund requests of " + ended.sagas().size()
                            + " sagas answered 503, the first " + Duration.between(ended.from(), at).toSeconds()
                            + " s after the fault began"
                            : "no refund came within " + FIRST_REFUND_WAIT.toSeconds() + " s";
                    out.println("chaos: " + seen);
                    then.accept(seen);
                }));
    }

    private void slowParticipant(Fault.SlowParticipant slow, Consumer<String> then) {
        stack.suspendService(slow.service());
        suspended.add(slow.service());
        Instant from = Instant.now();
        // half of the orders at once, the rest spread over the pause; every other order of the first half is
        // cancelled by its customer while its saga waits at the stopped participant, so the saga compensates
        // and the action's late reply meets a saga already compensating
        int now = (slow.orders() + 1) / 2;
        int spread = slow.orders() - now;
        AtomicInteger cancelled = new AtomicInteger();
        for (int i = 0; i < slow.orders() && !pauseOrders.isEmpty(); i++) {
            LoadGenerator.PlannedOrder order = pauseOrders.poll();
            long delay = i < now ? 0 : slow.pause().toMillis() * (i - now + 1) / (spread + 1);
            boolean cancel = i < now && i % 2 == 0;
            scheduler.schedule(() -> {
                CompletableFuture<LoadGenerator.Outcome> outcome = load.place(order);
                placed.add(outcome);
                if (cancel) {
                    outcome.thenAccept(accepted -> later(CANCEL_AFTER, () -> cancel(accepted, cancelled)));
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
        later(slow.pause(), () -> {
            stack.resumeService(slow.service());
            suspended.remove(slow.service());
            pauses.add(new Pause(slow.service(), from, Instant.now(), cancelled.get()));
            then.accept("");
        });
    }

    /** How many of a pause's orders are cancelled: every other one of those placed as it starts. */
    static int cancelledDuringPause(int orders) {
        return ((orders + 1) / 2 + 1) / 2;
    }

    private void cancel(LoadGenerator.Outcome outcome, AtomicInteger cancelled) {
        if (!outcome.accepted()) {
            return;
        }
        try {
            int status = api.cancelOrder(outcome.orderId());
            if (status == 200) {
                cancelled.incrementAndGet();
            } else {
                out.printf("chaos: cancelling order %s answered HTTP %d%n", outcome.orderId(), status);
            }
        } catch (RuntimeException e) {
            // a cancellation that did not happen leaves an ordinary order: the run goes on, and the count says so
            out.printf("chaos: cancelling order %s failed: %s%n", outcome.orderId(), e);
        }
    }

    private long outboxBacklog() {
        long rows = 0;
        for (Service service : Service.values()) {
            rows += db.outboxRows(service);
        }
        return rows;
    }

    private void later(Duration delay, Runnable action) {
        scheduler.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Reads {@code count} consecutive records from a random non-empty partition of the topic and produces them
     * again with the same key, value and headers (so the same {@code message-id}): what a producer retry or a
     * relay crash between send and delete does.
     */
    private int republish(String topic, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = read(topic, count);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            List<Future<?>> sends = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                sends.add(producer.send(new ProducerRecord<>(topic, record.partition(), record.key(), record.value(),
                        record.headers())));
            }
            for (Future<?> send : sends) {
                send.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("re-publishing records of " + topic + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while re-publishing records of " + topic, e);
        }
        return records.size();
    }

    private List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, READ_TIMEOUT)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions, READ_TIMEOUT);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIMEOUT);
            List<TopicPartition> filled = partitions.stream().filter(p -> ends.get(p) > starts.get(p)).toList();
            if (filled.isEmpty()) {
                return List.of();
            }
            TopicPartition partition = filled.get(random.nextInt(filled.size()));
            long available = ends.get(partition) - starts.get(partition);
            long from = starts.get(partition) + random.nextLong(Math.max(1, available - count + 1));
            long until = Math.min(ends.get(partition), from + count);
            consumer.assign(List.of(partition));
            consumer.seek(partition, from);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            Consumer<ConsumerRecord<byte[], byte[]>> keep = record -> {
                if (record.offset() < until) {
                    records.add(record);
                }
            };
            while (consumer.position(partition) < until && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).records(partition).forEach(keep);
            }
            return records;
        }
    }
}
