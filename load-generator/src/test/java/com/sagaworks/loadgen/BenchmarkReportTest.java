package com.sagaworks.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
