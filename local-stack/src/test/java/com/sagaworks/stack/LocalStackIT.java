package com.sagaworks.stack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The launcher with a real PostgreSQL and a real broker, and {@link StandInService} playing the four services:
 * process handling, health waiting, failure reporting and durability across restarts, independent of the
 * services' own code.
 */
class LocalStackIT {

    private static final String TOPIC = "local-stack-it";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void startsEverythingSurvivesAServiceCrashAndKeepsDataAcrossARestart() throws Exception {
        Path jars = standInJars();
        LocalStack stack = stackOn(jars).build();
        try {
            stack.start();

            for (Service service : Service.values()) {
                assertThat(health(stack, service)).isEqualTo(200);
            }
            assertThat(durabilitySettings(stack)).containsExactly("on", "on");
            writeMarker(stack);
            produceMarker(stack);

            stack.killService(Service.PAYMENT);
            assertThatThrownBy(() -> health(stack, Service.PAYMENT)).isInstanceOf(IOException.class);
            stack.startService(Service.PAYMENT);
            assertThat(health(stack, Service.PAYMENT)).isEqualTo(200);

            stack.stop();
            assertThat(Ports.whyUnavailable(stack.postgresPort())).isNull();
            assertThat(Ports.whyUnavailable(stack.port(Service.ORDER))).isNull();

            stack.start();

            assertThat(readMarker(stack)).isEqualTo("kept");
            assertThat(consumeMarker(stack)).isEqualTo("kept");
        } finally {
            stack.stop();
        }
        assertThat(Files.readString(stack.logFile(Service.PAYMENT)))
                .contains("--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + stack.postgresPort() + "/payment");
    }

    @Test
    void keepsCommittedDataWhenPostgresIsCrashedAndTheBrokerKilledAndBothStartAgain() throws Exception {
        LocalStack stack = stackOn(standInJars()).build();
        try {
            stack.start();
            writeMarker(stack);
            produceMarker(stack);

            stack.crashPostgres();
            assertThatThrownBy(() -> readMarker(stack)).isInstanceOf(SQLException.class);
            stack.startPostgres();
            assertThat(readMarker(stack)).isEqualTo("kept");

            stack.killBroker();
            assertThat(Ports.whyUnavailable(stack.kafkaPort())).isNull();
            stack.startBroker();
            assertThat(consumeMarker(stack)).isEqualTo("kept");
        } finally {
            stack.stop();
        }
        assertThat(Ports.whyUnavailable(stack.postgresPort())).isNull();
    }

    @Test
    void reportsAServiceThatExitsWhileStartingWithItsLogAndLeavesNothingRunning() throws Exception {
        LocalStack stack = stackOn(standInJars()).serviceArgs(Service.ORCHESTRATOR, "--stand-in.fail=true").build();

        assertThatThrownBy(stack::start)
                .isInstanceOf(StackException.class)
                .hasMessageStartingWith("orchestrator exited with code 3 while starting; last lines of "
                        + stack.logFile(Service.ORCHESTRATOR))
                .hasMessageContaining("failing to start, as asked");
        assertThat(stack.isRunning()).isFalse();
        for (Ports.Claim claim : stack.portClaims()) {
            assertThat(Ports.whyUnavailable(claim.port())).as(claim.owner()).isNull();
        }
    }

    private LocalStack.Builder stackOn(Path jars) {
        List<Integer> ports = Ports.freePorts(7);
        return LocalStack.builder()
                .dataDirectory(dir.resolve("data"))
                .jarsDirectory(jars)
                .postgresPort(ports.get(0))
                .kafkaPort(ports.get(1))
                .controllerPort(ports.get(2))
                .servicePort(Service.ORDER, ports.get(3))
                .servicePort(Service.INVENTORY, ports.get(4))
                .servicePort(Service.PAYMENT, ports.get(5))
                .servicePort(Service.ORCHESTRATOR, ports.get(6))
                .serviceJvmOptions("-Xmx64m")
                .startupTimeout(Duration.ofMinutes(2));
    }

    /** One executable jar per service name, each running {@link StandInService} from the test classes. */
    private Path standInJars() throws IOException, URISyntaxException {
        Path jars = Files.createDirectories(dir.resolve("jars"));
        Path testClasses = Path.of(StandInService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, StandInService.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, testClasses.toUri().toString());
        for (Service service : Service.values()) {
            try (OutputStream out = Files.newOutputStream(jars.resolve(service.jarFileName()));
                 JarOutputStream jar = new JarOutputStream(out, manifest)) {
                jar.flush();
            }
        }
        return jars;
    }

    private static int health(LocalStack stack, Service service) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(stack.baseUrl(service).resolve("/actuator/health")).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<String> durabilitySettings(LocalStack stack) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = connect(stack); Statement statement = connection.createStatement()) {
            for (String setting : List.of("fsync", "synchronous_commit")) {
                try (ResultSet rows = statement.executeQuery("SHOW " + setting)) {
                    rows.next();
                    values.add(rows.getString(1));
                }
            }
        }
        return values;
    }

    private static void writeMarker(LocalStack stack) throws SQLException {
        try (Connection connection = connect(stack); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE marker (value text)");
            statement.execute("INSERT INTO marker VALUES ('kept')");
        }
    }

    private static String readMarker(LocalStack stack) throws SQLException {
        try (Connection connection = connect(stack); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT value FROM marker")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static Connection connect(LocalStack stack) throws SQLException {
        return DriverManager.getConnection(stack.jdbcUrl(Service.ORDER), stack.databaseUser(),
                stack.databasePassword());
    }

    private static void produceMarker(LocalStack stack) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "key", "kept")).get();
        }
    }

    private static String consumeMarker(LocalStack stack) {
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    return record.value();
                }
            }
        }
        throw new AssertionError("no record in " + TOPIC + " after the restart");
    }
}
