package com.sagaworks.system.chaos;

import com.sagaworks.system.Db;
import com.sagaworks.system.Invariants.Violation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The figures of one chaos run: load, sagas and their outcomes, faults, time to drain, violations. */
public record ChaosReport(ChaosPlan plan, long seed, List<LoadGenerator.Outcome> outcomes, long clientRetries,
                          List<Db.SagaRow> sagas, List<FaultInjector.Injected> faults, Duration active,
                          Duration drain, FaultEffects effects, List<Violation> violations) {

    /**
     * What the refund outages and the deadlines did over the run.
     *
     * @param refundRequestsRefused refund requests the provider answered 503 during its outages
     * @param refundSagasRefused    sagas whose refund met an outage
     * @param refundedAfterwards    of those, the sagas the provider refunded later
     * @param deadlines             from the orchestrator's history over the run: commands re-sent on a deadline,
     *                              steps given up, participants' replies ignored (late or replayed), in all and
     *                              by sagas already compensating
     */
    public record FaultEffects(long refundRequestsRefused, long refundSagasRefused, long refundedAfterwards,
                               Db.DeadlineEffects deadlines) {
    }

    private static final int VIOLATIONS_SHOWN = 50;
    private static final Pattern UUID_PATTERN =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Where the latest long run's figures begin in docs/reliability.md. */
    static final String DOC_BEGIN = "<!-- latest long run: written by ChaosLongRunIT -->";
    /** Where they end. */
    static final String DOC_END = "<!-- end of the latest long run -->";

    public long accepted() {
        return outcomes.stream().filter(LoadGenerator.Outcome::accepted).count();
    }

    /** Orders the clients did not get accepted: refused with a 4xx, or given up at their deadline. */
    public List<LoadGenerator.Outcome> notAccepted() {
        return outcomes.stream().filter(outcome -> !outcome.accepted()).toList();
    }

    /** Sagas by status and failure reason, with the ids in reasons replaced, so that like counts with like. */
    public Map<String, Long> sagaOutcomes() {
        return sagas.stream().collect(Collectors.groupingBy(
                saga -> saga.failureReason() == null ? saga.status()
                        : saga.status() + " " + UUID_PATTERN.matcher(saga.failureReason()).replaceAll("<id>"),
                TreeMap::new, Collectors.counting()));
    }

    public Map<String, Long> faultCounts() {
        return faults.stream().collect(Collectors.groupingBy(injected -> injected.fault().kind(), TreeMap::new,
                Collectors.counting()));
    }

    public Map<String, Long> violationsByInvariant() {
        return violations.stream().collect(Collectors.groupingBy(Violation::invariant, TreeMap::new,
                Collectors.counting()));
    }

    public long servicesKilled() {
        return faults.stream().map(FaultInjector.Injected::fault)
                .filter(fault -> fault instanceof Fault.KillServices)
                .mapToLong(fault -> ((Fault.KillServices) fault).services().size())
                .sum();
    }

    /** The report as Markdown: the same text goes to the console and to {@link ChaosPlan#reportFile()}. */
    public String toMarkdown() {
        StringBuilder text = new StringBuilder();
        text.append("# Chaos run `").append(plan.name()).append("`, seed ").append(seed).append("\n\n");
        text.append(summary()).append(details());
        return text.toString();
    }

    /** When the run finished and how to repeat it, then the table of figures: no fault list, no violation list. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append("Finished ").append(Instant.now()).append(". Repeat with `-Dchaos.seed=").append(seed)
                .append("`.\n\n");
        text.append("| figure | value |\n|---|---|\n");
        row(text, "orders placed", plan.orders() + " at " + plan.ordersPerSecond() + "/s");
        row(text, "orders accepted", accepted());
        row(text, "orders not accepted", notAccepted().size());
        row(text, "client retries (same Idempotency-Key)", clientRetries);
        row(text, "sagas", sagas.size());
        sagaOutcomes().forEach((outcome, count) -> row(text, "&nbsp;&nbsp;" + outcome, count));
        row(text, "faults injected", faults.size());
        faultCounts().forEach((kind, count) -> row(text, "&nbsp;&nbsp;" + kind, count));
        row(text, "service processes killed", servicesKilled());
        row(text, "refund requests refused during refund outages (503)", effects.refundRequestsRefused());
        row(text, "&nbsp;&nbsp;sagas whose refund met an outage / refunded afterwards",
                effects.refundSagasRefused() + " / " + effects.refundedAfterwards());
        row(text, "commands re-sent on a step deadline (same id)", effects.deadlines().resent());
        row(text, "steps given up on a deadline (compensated)", effects.deadlines().givenUp());
        row(text, "participant replies ignored (late or replayed)", effects.deadlines().repliesIgnored());
        row(text, "&nbsp;&nbsp;of them by sagas already compensating",
                effects.deadlines().repliesIgnoredCompensating());
        row(text, "load and faults", active.toSeconds() + " s");
        row(text, "time to drain (settled after the last fault and order)", drain.toMillis() / 1000.0 + " s");
        row(text, "invariant violations", violations.size());
        if (!violations.isEmpty()) {
            row(text, "&nbsp;&nbsp;by invariant", violationsByInvariant());
        }
        return text.toString();
    }

    private String details() {
        StringBuilder text = new StringBuilder();
        text.append("\n## Faults\n\n| at | fault | back after | observed |\n|---|---|---|---|\n");
        for (FaultInjector.Injected injected : faults) {
            text.append("| ").append(injected.at().toSeconds()).append(" s | ").append(injected.fault().describe())
                    .append(" | ").append(injected.took().toSeconds()).append(" s | ").append(injected.observed())
                    .append(" |\n");
        }
        if (!violations.isEmpty()) {
            text.append("\n## Violations\n\n| invariant | id | detail |\n|---|---|---|\n");
            violations.stream().limit(VIOLATIONS_SHOWN).forEach(violation -> text.append("| ")
                    .append(violation.invariant()).append(" | ").append(violation.id()).append(" | ")
                    .append(violation.detail().replace('|', '/').replace('\n', ' ')).append(" |\n"));
            if (violations.size() > VIOLATIONS_SHOWN) {
                text.append("\n").append(violations.size() - VIOLATIONS_SHOWN).append(" more; by invariant: ")
                        .append(violationsByInvariant()).append("\n");
            }
        }
        if (!notAccepted().isEmpty()) {
            text.append("\n## Orders not accepted\n\n");
            notAccepted().stream().limit(VIOLATIONS_SHOWN).forEach(outcome -> text.append("- `")
                    .append(outcome.order().idempotencyKey()).append("`: ").append(outcome.failure()).append('\n'));
        }
        return text.toString();
    }

    public Path write() {
        Path file = Path.of(plan.reportFile()).toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, toMarkdown());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the chaos report " + file, e);
        }
    }

    /**
     * Puts {@link #summary()} into {@code document} (docs/reliability.md) between {@link #DOC_BEGIN} and
     * {@link #DOC_END}, replacing the last run's, so the document always shows the figures of the latest long run,
     * clean or not.
     *
     * @return false when the document or its markers are missing (the run was started outside the repository)
     */
    public boolean recordIn(Path document) {
        if (!Files.isRegularFile(document)) {
            return false;
        }
        try {
            String text = Files.readString(document);
            int begin = text.indexOf(DOC_BEGIN);
            int end = text.indexOf(DOC_END);
            if (begin < 0 || end < begin) {
                return false;
            }
            Files.writeString(document, text.substring(0, begin + DOC_BEGIN.length()) + "\n\n" + summary() + "\n"
                    + text.substring(end));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("could not record the chaos report in " + document, e);
        }
    }

    private static void row(StringBuilder text, String figure, Object value) {
        text.append("| ").append(figure).append(" | ").append(value).append(" |\n");
    }
}
