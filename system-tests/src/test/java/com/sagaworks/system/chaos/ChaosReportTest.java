package com.sagaworks.system.chaos;

import com.sagaworks.system.Db;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ChaosReportTest {

    private final ChaosReport report = new ChaosReport(ChaosPlan.longRun(), 42, List.of(), 0, List.of(), List.of(),
            Duration.ofSeconds(1300), Duration.ofSeconds(12),
            new ChaosReport.FaultEffects(0, 0, 0, new Db.DeadlineEffects(0, 0, 0, 0)), List.of());

    @Test
    void replacesTheLastLongRunsFiguresInTheDocumentAndNothingElse(@TempDir Path directory) throws Exception {
        Path document = directory.resolve("reliability.md");
        Files.writeString(document, "# Reliability\n\n### Long run\n\n" + ChaosReport.DOC_BEGIN
                + "\n\nold figures\n\n" + ChaosReport.DOC_END + "\n\n## After\n");

        assertThat(report.recordIn(document)).isTrue();

        String text = Files.readString(document);
        assertThat(text).startsWith("# Reliability\n\n### Long run\n\n" + ChaosReport.DOC_BEGIN)
                .endsWith(ChaosReport.DOC_END + "\n\n## After\n")
                .contains("-Dchaos.seed=42", "| invariant violations | 0 |", "| load and faults | 1300 s |")
                .doesNotContain("old figures", "## Faults");
    }

    @Test
    void countsFailureReasonsThatDifferOnlyInAnIdTogether() {
        ChaosReport withSagas = new ChaosReport(ChaosPlan.ci(), 1, List.of(), 0, List.of(
                saga("FAILED", "order 003051f8-448b-4cc1-8436-068eca24db46 cannot be cancelled"),
                saga("FAILED", "order 015a12bf-e88c-4b75-9d5c-c87af66d3a1f cannot be cancelled"),
                saga("COMPLETED", null)), List.of(), Duration.ZERO, Duration.ZERO, report.effects(), List.of());

        assertThat(withSagas.sagaOutcomes()).containsExactly(
                Map.entry("COMPLETED", 1L), Map.entry("FAILED order <id> cannot be cancelled", 2L));
    }

    private static Db.SagaRow saga(String status, String failureReason) {
        return new Db.SagaRow(UUID.randomUUID(), UUID.randomUUID().toString(), status, failureReason);
    }

    @Test
    void leavesADocumentWithoutTheMarkersAlone(@TempDir Path directory) throws Exception {
        Path document = directory.resolve("reliability.md");
        Files.writeString(document, "# Reliability\n");

        assertThat(report.recordIn(document)).isFalse();
        assertThat(report.recordIn(directory.resolve("missing.md"))).isFalse();
        assertThat(Files.readString(document)).isEqualTo("# Reliability\n");
    }
}
