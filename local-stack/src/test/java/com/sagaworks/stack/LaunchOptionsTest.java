package com.sagaworks.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaunchOptionsTest {

    private static LaunchOptions parse(String... args) {
        return LaunchOptions.parse(args, null);
    }

    @Test
    void withoutArgumentsUsesTheDocumentedDefaults() {
        LaunchOptions options = parse();

        assertThat(options.help()).isFalse();
        assertThat(options.dataDirectory()).isEqualTo(Path.of("local-stack-data"));
        assertThat(options.postgresPort()).isEqualTo(5432);
        assertThat(options.kafkaPort()).isEqualTo(9092);
        assertThat(options.controllerPort()).isEqualTo(9093);
        assertThat(options.servicePorts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Service.ORDER, 8080, Service.INVENTORY, 8081, Service.PAYMENT, 8082, Service.ORCHESTRATOR, 8083));
        assertThat(options.jarsDirectory()).isNull();
        assertThat(options.profiles()).containsExactly("demo");
        assertThat(options.serviceArgs()).isEmpty();
        assertThat(options.perServiceArgs()).isEmpty();
        assertThat(options.startupTimeout()).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void acceptsValuesAfterAnEqualsSignOrAsTheNextArgument() {
        LaunchOptions options = parse("--data-dir=/tmp/stack", "--postgres-port", "15432", "--kafka-port=19092",
                "--controller-port", "19093", "--jars-dir=/opt/jars", "--startup-timeout=90");

        assertThat(options.dataDirectory()).isEqualTo(Path.of("/tmp/stack"));
        assertThat(options.postgresPort()).isEqualTo(15432);
        assertThat(options.kafkaPort()).isEqualTo(19092);
        assertThat(options.controllerPort()).isEqualTo(19093);
        assertThat(options.jarsDirectory()).isEqualTo(Path.of("/opt/jars"));
        assertThat(options.startupTimeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void movesEachServiceWithItsOwnPortOption() {
        LaunchOptions options = parse("--order-port=18080", "--inventory-port=18081", "--payment-port=18082",
                "--orchestrator-port=18083");

        assertThat(options.servicePorts()).containsEntry(Service.ORDER, 18080)
                .containsEntry(Service.INVENTORY, 18081)
                .containsEntry(Service.PAYMENT, 18082)
                .containsEntry(Service.ORCHESTRATOR, 18083);
    }

    @Test
    void collectsRepeatedServiceArgumentsInOrder() {
        LaunchOptions options = parse("--service-arg=--logging.level.root=WARN", "--service-arg", "--a=b",
                "--order-arg=--sagaworks.orders.approval.max-total-cents=500000", "--order-arg=--x=y",
                "--payment-arg=--z=1");

        assertThat(options.serviceArgs()).containsExactly("--logging.level.root=WARN", "--a=b");
        assertThat(options.perServiceArgs().get(Service.ORDER))
                .containsExactly("--sagaworks.orders.approval.max-total-cents=500000", "--x=y");
        assertThat(options.perServiceArgs().get(Service.PAYMENT)).containsExactly("--z=1");
        assertThat(options.perServiceArgs()).doesNotContainKeys(Service.INVENTORY, Service.ORCHESTRATOR);
    }

    @Test
    void anEmptyProfileListRunsTheServicesWithoutProfiles() {
        assertThat(parse("--profiles=").profiles()).isEmpty();
        assertThat(parse("--profiles=demo, debug").profiles()).containsExactly("demo", "debug");
    }

    @Test
    void takesTheJarsDirectoryFromTheSystemPropertyUnlessTheOptionIsGiven() {
        assertThat(LaunchOptions.parse(new String[0], "/from/property").jarsDirectory())
                .isEqualTo(Path.of("/from/property"));
        assertThat(LaunchOptions.parse(new String[]{"--jars-dir=/from/option"}, "/from/property").jarsDirectory())
                .isEqualTo(Path.of("/from/option"));
    }

    @Test
    void recognisesHelpInBothSpellings() {
        assertThat(parse("--help").help()).isTrue();
        assertThat(parse("-h").help()).isTrue();
    }

    @Test
    void refusesAnUnknownOptionByName() {
        assertThatThrownBy(() -> parse("--order-prot=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option: --order-prot");
    }

    @Test
    void refusesAPositionalArgument() {
        assertThatThrownBy(() -> parse("start"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unexpected argument: start");
    }

    @Test
    void refusesAnOptionWithoutItsValue() {
        assertThatThrownBy(() -> parse("--kafka-port"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--kafka-port needs a value");
        assertThatThrownBy(() -> parse("--data-dir="))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--data-dir needs a value");
    }

    @Test
    void refusesPortsThatAreNotNumbersOrOutOfRange() {
        assertThatThrownBy(() -> parse("--order-port=http"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--order-port must be a number: http");
        assertThatThrownBy(() -> parse("--postgres-port=70000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--postgres-port must be a TCP port (1-65535): 70000");
        assertThatThrownBy(() -> parse("--startup-timeout=0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--startup-timeout must be positive: 0");
    }

    @Test
    void usageListsEveryOption() {
        String usage = LaunchOptions.usage();

        for (String option : List.of("--data-dir", "--postgres-port", "--kafka-port", "--controller-port",
                "--order-port", "--inventory-port", "--payment-port", "--orchestrator-port", "--jars-dir",
                "--profiles", "--service-arg", "--order-arg", "--inventory-arg", "--payment-arg",
                "--orchestrator-arg", "--startup-timeout", "--help")) {
            assertThat(usage).contains(option);
        }
    }

    @Test
    void buildsAStackWithTheParsedSettings(@TempDir Path jars) {
        LocalStack stack = parse("--data-dir=" + jars.resolve("data"), "--jars-dir=" + jars, "--postgres-port=15432",
                "--kafka-port=19092", "--order-port=18080", "--profiles=", "--order-arg=--x=1")
                .toBuilder().build();

        assertThat(stack.dataDirectory()).isEqualTo(jars.resolve("data"));
        assertThat(stack.jdbcUrl(Service.ORDER)).isEqualTo("jdbc:postgresql://127.0.0.1:15432/orders");
        assertThat(stack.kafkaBootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(stack.baseUrl(Service.ORDER)).hasToString("http://127.0.0.1:18080");
        assertThat(stack.jar(Service.PAYMENT)).isEqualTo(jars.resolve("payment-service.jar"));
        assertThat(stack.serviceCommand(Service.ORDER)).contains("--x=1")
                .noneMatch(arg -> arg.startsWith("--spring.profiles.active"));
    }
}
