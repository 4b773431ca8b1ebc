package com.sagaworks.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class BenchmarkReportTest {

    @Test
    void keepsTheHandWrittenAnalysisOfTheLastReport() {
        String existing = "# Benchmarks\n\n| old | figures |\n\n" + BenchmarkReport.HAND_WRITTEN
                + "\n\n## What limits it\n\nThe relay.\n";

        assertThat(BenchmarkReport.handWritten(existing))
                .isEqualTo("\n" + BenchmarkReport.HAND_WRITTEN + "\n\n## What limits it\n\nThe relay.\n")
                .doesNotContain("old");
    }

    @Test
    void keepsNothingFromAReportWithoutTheMarker() {
        assertThat(BenchmarkReport.handWritten("# Benchmarks\n\n## What limits it\n")).isEmpty();
    }

    @Test
    void sumsTheStacksIdleCpuAndShowsTheLoadGeneratorApart() {
        JsonNode idle = OrderClient.JSON.readTree(
                "{\"postgres\": 2.0666, \"kafka\": 1.6, \"order-service\": 0.4, \"load-generator\": 0.3}");

        assertThat(BenchmarkReport.idle(idle))
                .isEqualTo("4.1 % for the stack (postgres 2.1, kafka 1.6, order-service 0.4); load generator 0.3");
    }
}
