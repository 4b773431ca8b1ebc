package com.sagaworks.system.chaos;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Prints and writes a run's report, then fails with the offending ids when anything is wrong. */
final class ChaosVerdict {

    private ChaosVerdict() {
    }

    static void assertClean(ChaosReport report) {
        String text = report.toMarkdown();
        Path file = report.write();
        System.out.println(text);
        System.out.println("chaos: report written to " + file);
        assertThat(report.violations()).as("invariant violations (seed %d, report %s):%n%s", report.seed(), file,
                text).isEmpty();
        assertThat(report.notAccepted()).as("orders the clients could not place before their deadline (seed %d)",
                report.seed()).isEmpty();
        assertThat(report.sagas()).as("one saga per accepted order (seed %d)", report.seed())
                .hasSize((int) report.accepted());
        // a fault that met nothing tested nothing
        if (report.plan().refundOutages() > 0) {
            assertThat(report.effects().refundRequestsRefused())
                    .as("refund requests the provider refused during its outages (seed %d)", report.seed())
                    .isPositive();
        }
        if (report.plan().slowParticipants() > 0) {
            assertThat(report.effects().deadlines().resent())
                    .as("commands re-sent on a deadline (seed %d)", report.seed()).isPositive();
            assertThat(report.effects().deadlines().repliesIgnoredCompensating())
                    .as("late replies that met a saga already compensating (seed %d)", report.seed()).isPositive();
        }
    }
}
