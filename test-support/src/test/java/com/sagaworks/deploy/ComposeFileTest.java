package com.sagaworks.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks what would break it silently: each
 * service's ports, database, broker address, health check and environment against the service's own
 * application.yml, and that every image is pinned. {@code docker-compose config -q} in .ci/run checks the syntax.
 */
class ComposeFileTest {

    private static final Path ROOT = repositoryRoot();
    private static final List<String> SERVICES = List.of("order-service", "inventory-service", "payment-service", "orchestrator");

    private static Map<String, Object> compose;

    @BeforeAll
    static void readComposeFile() throws IOException {
        compose = yaml(ROOT.resolve("docker-compose.yml"));
    }

    @Test
    void buildsEveryServiceFromItsOwnJarWithTheSharedDockerfile() throws IOException {
        String dockerignore = Files.readString(ROOT.resolve(".dockerignore"));
        for (String service : SERVICES) {
            Map<String, Object> build = map(service(service), "build");
            assertThat(build.get("context")).as(service).isEqualTo(".");
            assertThat(ROOT.resolve((String) build.get("dockerfile"))).as(service).exists();
            assertThat(map(build, "args").get("SERVICE")).as(service).isEqualTo(service);
            assertThat(dockerignore).as(service + " jar let into the build context")
                    .contains("!" + service + "/target/" + service + ".jar");
        }
    }

    @Test
    void publishesEachServiceOnItsConfiguredPortAndProbesThatPort() throws IOException {
        for (String service : SERVICES) {
            String port = String.valueOf(applicationProperties(service).get("server.port"));
            assertThat(list(service(service), "ports")).as(service).containsExactly(port + ":" + port);
            List<Object> probe = list(map(service(service), "healthcheck"), "test");
            assertThat(probe).as(service + " health check").endsWith(port);
        }
    }

    @Test
    void pointsEachServiceAtItsOwnDatabaseWhichTheInitScriptCreates() throws IOException {
        String init = Files.readString(ROOT.resolve("docker/postgres/init-databases.sql"));
        assertThat(list(map(compose, "services", "postgres"), "volumes"))
                .anySatisfy(volume -> assertThat((String) volume).startsWith("./docker/postgres/init-databases.sql:/docker-entrypoint-initdb.d/"));
        for (String service : SERVICES) {
            String configured = databaseOf((String) applicationProperties(service).get("spring.datasource.url"));
            String url = (String) environment(service).get("SPRING_DATASOURCE_URL");
            assertThat(url).as(service).startsWith("jdbc:postgresql://postgres:5432/");
            assertThat(databaseOf(url)).as(service).isEqualTo(configured);
            assertThat(init).as(service + " database created at init").contains("CREATE DATABASE " + configured + ";");
        }
    }

    @Test
    void pointsEachServiceAtTheBrokersAdvertisedListener() {
        String advertised = (String) map(compose, "services", "kafka", "environment").get("KAFKA_ADVERTISED_LISTENERS");
        for (String service : SERVICES) {
            String bootstrap = (String) environment(service).get("SPRING_KAFKA_BOOTSTRAP_SERVERS");
            assertThat(bootstrap).as(service).startsWith("kafka:");
            assertThat(advertised).as(service).contains("//" + bootstrap);
        }
    }

    @Test
    void namesOnlyPropertiesTheServicesKnow() throws IOException {
        String messagingReadme = Files.readString(ROOT.resolve("messaging/README.md"));
        for (String service : SERVICES) {
            Set<String> known = applicationProperties(service).keySet().stream()
                    .map(ComposeFileTest::canonical).collect(Collectors.toSet());
            environment(service).keySet().forEach(variable -> {
                String property = variable.toLowerCase(Locale.ROOT).replace('_', '.');
                if (property.equals("spring.profiles.active")) {
                    return;
                }
                if (property.startsWith("sagaworks.messaging.")) {
                    String key = property.substring("sagaworks.messaging.".length());
                    assertThat(documentedMessagingProperties(messagingReadme)).as(service + " " + variable)
                            .contains(canonical(key));
                    return;
                }
                assertThat(known).as(service + ": " + variable + " overrides no property of its application.yml")
                        .contains(canonical(property));
            });
        }
    }

    @Test
    void activatesOnlyProfilesThatExist() {
        for (String service : SERVICES) {
            Object profiles = environment(service).get("SPRING_PROFILES_ACTIVE");
            if (profiles == null) {
                continue;
            }
            // a profile only some services define is fine; one that none defines is a typo
            for (String profile : profiles.toString().split(",")) {
                assertThat(SERVICES).as("a service with application-" + profile + ".yml")
                        .anyMatch(s -> Files.exists(resources(s).resolve("application-" + profile.trim() + ".yml")));
            }
        }
    }

    @Test
    void startsServicesOnlyOnceTheDatabaseAndBrokerAreHealthy() {
        for (String service : SERVICES) {
            Map<String, Object> dependsOn = map(service(service), "depends_on");
            for (String dependency : List.of("postgres", "kafka")) {
                assertThat(map(dependsOn, dependency).get("condition")).as(service + " -> " + dependency)
                        .isEqualTo("service_healthy");
                assertThat(map(compose, "services", dependency)).containsKey("healthcheck");
            }
        }
    }

    @Test
    void pinsEveryImageAndLimitsMemory() throws IOException {
        map(compose, "services").forEach((name, definition) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> service = (Map<String, Object>) definition;
            String image = (String) service.get("image");
            if (!service.containsKey("build")) {
                assertThat(image).as(name).matches(".+:[^:]*\\d[^:]*").doesNotEndWith(":latest");
            }
            if (!service.containsKey("profiles")) {
                assertThat(map(service, "deploy", "resources", "limits")).as(name).containsKey("memory");
            }
        });
        String dockerfile = Files.readString(ROOT.resolve("docker/service/Dockerfile"));
        Matcher jre = Pattern.compile("ARG JRE_IMAGE=(\\S+)").matcher(dockerfile);
        assertThat(jre.find()).isTrue();
        assertThat(jre.group(1)).matches("eclipse-temurin:21\\.0\\.\\d+_\\d+-jre");
    }

    private static Set<String> documentedMessagingProperties(String readme) {
        // rows of the properties table: | `relay.batch-size` | `200` | ... |
        Matcher row = Pattern.compile("^\\| `([a-z.-]+)` \\|", Pattern.MULTILINE).matcher(readme);
        Set<String> keys = new java.util.HashSet<>();
        while (row.find()) {
            keys.add(canonical(row.group(1)));
        }
        return keys;
    }

    /** Relaxed binding, as far as environment variables go: case, dots, dashes and underscores do not count. */
    private static String canonical(String property) {
        return property.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static String databaseOf(String jdbcUrl) {
        String path = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static Map<String, Object> service(String name) {
        return map(compose, "services", name);
    }

    private static Map<String, Object> environment(String service) {
        return map(service(service), "environment");
    }

    private static Path resources(String service) {
        return ROOT.resolve(service).resolve("src/main/resources");
    }

    /** The service's application.yml flattened to dotted keys. */
    private static Map<String, Object> applicationProperties(String service) throws IOException {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", yaml(resources(service).resolve("application.yml")), flat);
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> flat) {
        tree.forEach((key, value) -> {
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> child) {
                flatten(name, (Map<String, Object>) child, flat);
            } else {
                flat.put(name, value);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> root, String... path) {
        Map<String, Object> node = root;
        for (String key : path) {
            Object child = node.get(key);
            assertThat(child).as(String.join(".", path) + " at " + key).isInstanceOf(Map.class);
            node = (Map<String, Object>) child;
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> node, String key) {
        Object value = node.get(key);
        assertThat(value).as(key).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    /** Surefire runs in the module folder; the compose file is one level up. */
    static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("docker-compose.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no docker-compose.yml above " + here);
    }
}
