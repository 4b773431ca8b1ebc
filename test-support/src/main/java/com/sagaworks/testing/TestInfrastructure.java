package com.sagaworks.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Points a Spring Boot test at the shared PostgreSQL (a new database for the calling test class) and the
 * shared Kafka broker. Use from a {@code @DynamicPropertySource} method:
 *
 * <pre>{@code
 * @DynamicPropertySource
 * static void infrastructure(DynamicPropertyRegistry registry) {
 *     TestInfrastructure.register(registry, "inventory");
 * }
 * }</pre>
 *
 * <p>Which servers: Testcontainers (the pinned images of docker-compose.yml) when a Docker engine answers, the
 * embedded ones (zonky PostgreSQL, in-JVM KRaft broker) otherwise. Force either with
 * {@code -Dsagaworks.test.infrastructure=embedded|testcontainers} or the environment variable
 * {@code SAGAWORKS_TEST_INFRASTRUCTURE}; see {@link InfrastructureKind}.
 */
public final class TestInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);

    private static InfrastructureKind kind;
    private static Infrastructure shared;

    private TestInfrastructure() {
    }

    public static void register(DynamicPropertyRegistry registry, String databasePrefix) {
        String url = SharedPostgres.createDatabase(databasePrefix);
        String bootstrap = SharedKafka.bootstrapServers();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> SharedPostgres.USER);
        registry.add("spring.datasource.password", () -> SharedPostgres.PASSWORD);
        registry.add("spring.kafka.bootstrap-servers", () -> bootstrap);
    }

    /** The kind this JVM's tests use, selected on first call and kept for the JVM's life. */
    public static synchronized InfrastructureKind kind() {
        if (kind == null) {
            kind = InfrastructureKind.select(
                    System.getProperty(InfrastructureKind.PROPERTY),
                    System.getenv(InfrastructureKind.ENVIRONMENT_VARIABLE),
                    TestInfrastructure::dockerAvailable);
            log.info("test infrastructure: {} (force with -D{}=embedded|testcontainers)", kind, InfrastructureKind.PROPERTY);
        }
        return kind;
    }

    static synchronized Infrastructure shared() {
        if (shared == null) {
            shared = switch (kind()) {
                case EMBEDDED -> new EmbeddedInfrastructure();
                case TESTCONTAINERS -> new ContainerInfrastructure();
            };
        }
        return shared;
    }

    /**
     * True when Testcontainers finds a Docker engine it can use. Where no engine is even configured (no
     * {@code DOCKER_HOST}, no Testcontainers settings file, no socket in the usual places) the answer is no without
     * Testcontainers' probe, which costs seconds in every test JVM of the build.
     */
    public static boolean dockerAvailable() {
        return dockerConfigured() && DockerClientFactory.instance().isDockerAvailable();
    }

    private static boolean dockerConfigured() {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("windows")
                || System.getenv("DOCKER_HOST") != null) {
            return true;
        }
        Path home = Path.of(System.getProperty("user.home"));
        List<Path> candidates = new ArrayList<>(List.of(
                home.resolve(".testcontainers.properties"),
                Path.of("/var/run/docker.sock"),
                home.resolve(".docker/run/docker.sock"),
                home.resolve(".docker/desktop/docker.sock"),
                home.resolve(".colima/default/docker.sock"),
                home.resolve(".rd/docker.sock")));
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null) {
            candidates.add(Path.of(runtimeDir, "docker.sock"));
            candidates.add(Path.of(runtimeDir, "podman/podman.sock"));
        }
        return candidates.stream().anyMatch(Files::exists);
    }
}
