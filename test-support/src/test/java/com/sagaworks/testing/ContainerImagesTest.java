package com.sagaworks.testing;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerImagesTest {

    @Test
    @SuppressWarnings("unchecked")
    void testsRunTheSameImagesAsTheComposeStack() throws IOException {
        Path compose = Path.of("").toAbsolutePath().resolveSibling("docker-compose.yml");
        Map<String, Object> services;
        try (Reader reader = Files.newBufferedReader(compose)) {
            Map<String, Object> root = new Yaml().load(reader);
            services = (Map<String, Object>) root.get("services");
        }

        assertThat(((Map<?, ?>) services.get("postgres")).get("image")).isEqualTo(ContainerInfrastructure.POSTGRES_IMAGE);
        assertThat(((Map<?, ?>) services.get("kafka")).get("image")).isEqualTo(ContainerInfrastructure.KAFKA_IMAGE);
    }
}
