package com.sagaworks.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStackTest {

    @Test
    void findsTheRepositoryFromTheLauncherJarOrItsClassesDirectory() {
        Path root = Path.of("/work/repo");

        assertThat(LocalStack.repositoryRootOf(root.resolve("local-stack/target/local-stack.jar"))).contains(root);
        assertThat(LocalStack.repositoryRootOf(root.resolve("local-stack/target/classes"))).contains(root);
        assertThat(LocalStack.repositoryRootOf(Path.of("/home/me/.m2/repository/local-stack-0.1.0.jar")))
                .isEqualTo(Optional.empty());
    }

    @Test
    void looksForServiceJarsInTheirModulesTargetDirectories() {
        Path root = Path.of("/work/repo");
        LocalStack stack = LocalStack.builder().repositoryRoot(root).build();

        assertThat(stack.jar(Service.ORDER)).isEqualTo(root.resolve("order-service/target/order-service.jar"));
        assertThat(stack.jar(Service.ORCHESTRATOR)).isEqualTo(root.resolve("orchestrator/target/orchestrator.jar"));
    }

    @Test
    void aJarsDirectoryWinsOverTheRepository(@TempDir Path jars) {
        LocalStack stack = LocalStack.builder().repositoryRoot(Path.of("/work/repo")).jarsDirectory(jars).build();

        assertThat(stack.jar(Service.INVENTORY)).isEqualTo(jars.resolve("inventory-service.jar"));
    }

    @Test
    void givesEachServiceItsPortDatabaseBrokerAndArgumentsLastSoTheyWin(@TempDir Path jars) {
        LocalStack stack = LocalStack.builder()
                .jarsDirectory(jars)
                .postgresPort(15432)
                .kafkaPort(19092)
                .servicePort(Service.PAYMENT, 18082)
                .profiles(List.of("demo"))
                .serviceJvmOptions("-XX:TieredStopAtLevel=1")
                .serviceArgs("--common=1")
                .serviceArgs(Service.PAYMENT, "--only-payment=1")
                .build();

        List<String> command = stack.serviceCommand(Service.PAYMENT);

        assertThat(command.getFirst()).endsWith("java");
        assertThat(command).containsSubsequence("-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                jars.resolve("payment-service.jar").toString());
        assertThat(command).containsSubsequence(
                "--server.port=18082",
                "--server.address=127.0.0.1",
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:15432/payment",
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--spring.kafka.bootstrap-servers=127.0.0.1:19092",
                "--spring.profiles.active=demo",
                "--common=1",
                "--only-payment=1");
        assertThat(command.getLast()).isEqualTo("--only-payment=1");
        assertThat(stack.serviceCommand(Service.ORDER)).doesNotContain("--only-payment=1").contains("--common=1");
    }

    @Test
    void refusesToStartWithoutTheServiceJarsAndSaysHowToBuildThem(@TempDir Path dir) {
        LocalStack stack = freePortsStack(dir).jarsDirectory(dir.resolve("nowhere")).build();

        assertThatThrownBy(stack::start)
                .isInstanceOf(StackException.class)
                .hasMessageContaining("order-service: " + dir.resolve("nowhere/order-service.jar"))
                .hasMessageContaining("./mvnw package")
                .hasMessageContaining("--jars-dir");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void refusesToStartOnATakenPortBeforeStartingAnything(@TempDir Path dir) throws IOException {
        for (Service service : Service.values()) {
            Files.createFile(dir.resolve(service.jarFileName()));
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            LocalStack stack = freePortsStack(dir)
                    .jarsDirectory(dir)
                    .servicePort(Service.ORDER, taken.getLocalPort())
                    .output(new PrintStream(output, true, StandardCharsets.UTF_8))
                    .build();

            assertThatThrownBy(stack::start)
                    .isInstanceOf(StackException.class)
                    .hasMessage("port %d is in use (order-service); pass --order-port=<free port>",
                            taken.getLocalPort());
            assertThat(output.toString(StandardCharsets.UTF_8)).isEmpty();
            assertThat(dir.resolve("data")).doesNotExist();
        }
    }

    @Test
    void summaryTellsWhereEachPartListensAndLogs(@TempDir Path dir) {
        LocalStack stack = LocalStack.builder().jarsDirectory(dir).dataDirectory(dir.resolve("data"))
                .servicePort(Service.ORDER, 18080).build();

        assertThat(stack.summary())
                .contains("jdbc:postgresql://127.0.0.1:5432/{orders,inventory,payment,orchestrator}")
                .contains("127.0.0.1:9092")
                .contains("order-service      http://127.0.0.1:18080  log "
                        + dir.resolve("data/logs/order-service.log"));
    }

    private static LocalStack.Builder freePortsStack(Path dir) {
        List<Integer> ports = Ports.freePorts(7);
        return LocalStack.builder()
                .dataDirectory(dir.resolve("data"))
                .postgresPort(ports.get(0))
                .kafkaPort(ports.get(1))
                .controllerPort(ports.get(2))
                .servicePort(Service.ORDER, ports.get(3))
                .servicePort(Service.INVENTORY, ports.get(4))
                .servicePort(Service.PAYMENT, ports.get(5))
                .servicePort(Service.ORCHESTRATOR, ports.get(6));
    }
}
