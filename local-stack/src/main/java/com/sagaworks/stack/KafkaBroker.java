package com.sagaworks.stack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Kafka broker in KRaft combined mode (broker and controller in one node) as a process of its own, with
 * its log directory under the stack's data directory so that topics, messages and committed offsets survive a
 * restart. The storage is formatted once, when the log directory has no {@code meta.properties}.
 */
final class KafkaBroker implements AutoCloseable {

    /** A small heap and the serial collector: the broker shares the machine with four services. */
    private static final List<String> BROKER_JVM_OPTIONS = List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC");
    private static final int FORMAT_TIMEOUT_SECONDS = 120;
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration READY_POLL = Duration.ofMillis(500);

    private final Process process;
    private final String bootstrapServers;
    private final Path logFile;
    private final long logOffset;

    private KafkaBroker(Process process, String bootstrapServers, Path logFile, long logOffset) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.logFile = logFile;
        this.logOffset = logOffset;
    }

    /**
     * Writes {@code server.properties} (every start, so changed ports take effect), formats the storage if it
     * never was, starts the broker and waits until it serves metadata.
     */
    static KafkaBroker start(Path kafkaDirectory, int port, int controllerPort, String classpath, Path logFile,
                             Duration readyTimeout) {
        Path logDirectory = kafkaDirectory.resolve("data");
        Path config = kafkaDirectory.resolve("server.properties");
        try {
            Files.createDirectories(logDirectory);
            Files.writeString(config, serverProperties(port, controllerPort, logDirectory), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StackException("could not write the broker configuration " + config, e);
        }
        long logOffset = ChildProcesses.sizeOf(logFile);
        if (!Files.exists(logDirectory.resolve("meta.properties"))) {
            format(config, classpath, kafkaDirectory, logFile, logOffset);
        }
        Process process = ChildProcesses.start("Kafka broker",
                command(classpath, BROKER_JVM_OPTIONS, "kafka.Kafka", config.toString()),
                kafkaDirectory, logFile);
        KafkaBroker broker = new KafkaBroker(process, "127.0.0.1:" + port, logFile, logOffset);
        try {
            broker.awaitReady(port, readyTimeout);
        } catch (RuntimeException e) {
            ChildProcesses.stop(process, STOP_GRACE);
            throw e;
        }
        return broker;
    }

    /**
     * One node on loopback, single-replica internal topics, no topic auto-creation. Values that equal Kafka's
     * defaults are spelled out anyway where a single node depends on them.
     */
    static String serverProperties(int port, int controllerPort, Path logDirectory) {
        String controller = "127.0.0.1:" + controllerPort;
        return String.join("\n",
                "# Written by local-stack at every start; edits are overwritten.",
                "process.roles=broker,controller",
                "node.id=1",
                // a dynamic (KIP-853) quorum of this one node, formatted with --standalone
                "controller.quorum.bootstrap.servers=" + controller,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://" + controller,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logDirectory.toAbsolutePath(),
                // one node: every internal topic has one replica
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                // the consumer-offsets topic is created when the first group joins; 50 partitions on a laptop
                // only slow that down
                "offsets.topic.num.partitions=10",
                // the services declare their topics; a typo in a topic name must fail, not create a topic
                "auto.create.topics.enable=false",
                // a consumer group gets its partitions as soon as its member joins
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    private static void format(Path config, String classpath, Path workingDirectory, Path logFile,
                               long logOffset) {
        String clusterId = Uuid.randomUuid().toString();
        // a process of its own: StorageTool ends with System.exit
        Process format = ChildProcesses.start("Kafka storage format",
                command(classpath, List.of("-Xmx256m", "-XX:+UseSerialGC"), "kafka.tools.StorageTool",
                        "format", "--standalone", "-t", clusterId, "-c", config.toString()),
                workingDirectory, logFile);
        boolean exited;
        try {
            exited = format.waitFor(FORMAT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            ChildProcesses.kill(format);
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while formatting the Kafka storage", e);
        }
        if (!exited) {
            ChildProcesses.kill(format);
            throw new StackException("formatting the Kafka storage took more than " + FORMAT_TIMEOUT_SECONDS
                    + " s; see " + logFile);
        }
        if (format.exitValue() != 0) {
            throw new StackException("formatting the Kafka storage failed (exit code " + format.exitValue()
                    + "); see " + logFile + System.lineSeparator() + ChildProcesses.tail(logFile, 20, logOffset));
        }
    }

    private static List<String> command(String classpath, List<String> jvmOptions, String mainClass,
                                        String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(ChildProcesses.javaBinary());
        command.addAll(jvmOptions);
        // slf4j-simple is the logging backend on this classpath; timestamps make the broker log usable
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS");
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(List.of(arguments));
        return command;
    }

    /**
     * Ready means the broker answers a metadata request with itself in the cluster: an open port alone is not
     * enough, a broker accepts connections before it has registered with its controller. The admin client is
     * created only once the port is open, because until then it logs a warning per connection attempt.
     */
    private void awaitReady(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastError = null;
        try {
            while (!isListening(port)) {
                requireAliveAndInTime(deadline, timeout, null);
                Thread.sleep(READY_POLL.toMillis());
            }
            try (Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000))) {
                while (true) {
                    requireAliveAndInTime(deadline, timeout, lastError);
                    try {
                        if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                            return;
                        }
                    } catch (ExecutionException | TimeoutException e) {
                        lastError = e;
                    }
                    Thread.sleep(READY_POLL.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting for the Kafka broker", e);
        }
    }

    private void requireAliveAndInTime(long deadline, Duration timeout, Exception lastError) {
        if (!process.isAlive()) {
            throw new StackException("the Kafka broker exited with code " + process.exitValue()
                    + " while starting; see " + logFile + System.lineSeparator()
                    + ChildProcesses.tail(logFile, 30, logOffset));
        }
        if (System.nanoTime() > deadline) {
            throw new StackException("the Kafka broker on " + bootstrapServers + " was not ready within "
                    + timeout.toSeconds() + " s" + (lastError == null ? "" : " (last error: " + lastError + ")")
                    + "; see " + logFile + System.lineSeparator() + ChildProcesses.tail(logFile, 30, logOffset),
                    lastError);
        }
    }

    private static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            // refused or timed out: not listening yet
            return false;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * SIGKILL, as a machine or JVM crash would end the broker: unflushed log segments are recovered at the next
     * start, and producers and consumers see their connections drop mid-request.
     */
    void kill() {
        ChildProcesses.kill(process);
    }

    /** Controlled shutdown on SIGTERM: the broker flushes and closes its logs, so the next start is fast. */
    @Override
    public void close() {
        if (!ChildProcesses.stop(process, STOP_GRACE)) {
            throw new StackException("the Kafka broker did not stop within " + STOP_GRACE.toSeconds()
                    + " s and was killed; it recovers its logs at the next start");
        }
    }
}
