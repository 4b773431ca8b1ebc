package com.sagaworks.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard queries meters by their Prometheus names; a renamed meter would leave a panel silently
 * empty. Each {@code sagaworks_*} series it queries must be a meter the code registers: the messaging library's
 * (its README table) or the orchestrator's ({@code SagaMetrics}).
 */
class DashboardTest {

    private static final Path ROOT = ComposeFileTest.repositoryRoot();

    @Test
    void queriesOnlyMetersTheServicesRegister() throws IOException {
        String dashboard = Files.readString(ROOT.resolve("docs/grafana/sagaworks-dashboard.json"));
        String registered = Files.readString(ROOT.resolve("messaging/src/main/java/com/sagaworks/messaging/metrics/MessagingMetrics.java"))
                + Files.readString(ROOT.resolve("orchestrator/src/main/java/com/sagaworks/orchestrator/engine/SagaMetrics.java"));
        Set<String> registeredNames = new TreeSet<>();
        Matcher name = Pattern.compile("\"?`?(sagaworks\\.[a-z.-]+)").matcher(registered);
        while (name.find()) {
            registeredNames.add(name.group(1).replaceAll("[.-]", "_"));
        }

        Set<String> queried = new TreeSet<>();
        Matcher series = Pattern.compile("sagaworks_[a-z_]+").matcher(dashboard);
        while (series.find()) {
            queried.add(series.group().replaceAll("(_seconds)?(_total|_bucket|_sum|_count|_max)?$", ""));
        }

        assertThat(queried).isNotEmpty();
        assertThat(registeredNames).containsAll(queried);
    }
}
