package com.sagaworks.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives the running stack with an open model, measures, prints a table on stdout and writes {@code report.json}.
 * Progress goes to stderr so that stdout is the report alone.
 */
public final class Main {

    private static final double IDLE_SECONDS = 10;
    /** After the load: time for the drain's stragglers and the compilers to finish, then a longer idle window. */
    private static final double SETTLE_SECONDS = 20;
    private static final double IDLE_AFTER_SECONDS = 30;
    private static final double DRAIN_SECONDS = 40;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Catalog catalog = new Catalog(options.products(), options.customers());
        if (options.seed()) {
            seed(options, catalog);
        }
        PrintStream progress = System.err;
        OrderClient client = new OrderClient(options.orderService(), options.apiKey(), options.await());
        LoadPhase phase = new LoadPhase(client, options.mix(), catalog, progress);
        ProcessCpu cpu = new ProcessCpu(options.postgresPort(), options.dataDirectory());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("startedAt", Instant.now().toString());
        report.put("settings", settings(options));

        try (StackProbe probe = new StackProbe(options.metricsServices(), options.kafka())) {
            progress.printf("measuring idle CPU for %.0f s%n", IDLE_SECONDS);
            Map<String, Double> idleBefore = cpu.sample();
            Thread.sleep((long) (IDLE_SECONDS * 1000));
            Map<String, Double> idleCpu = difference(cpu.sample(), idleBefore);
            report.put("idleCpuPercentOfOneCore", scale(idleCpu, 100 / IDLE_SECONDS));

            if (options.warmupSeconds() > 0) {
                // A stepped ramp, a quarter, half, then the whole rate: cold JVMs hit with the whole rate at once
                // queue thousands of requests while their compilers catch up.
                for (double share : new double[] {0.25, 0.5, 1.0}) {
                    phase.run(options.rate() * share, options.warmupSeconds() / 3, DRAIN_SECONDS, "warm-up");
                }
            }
            Measured run = measure(phase, probe, cpu, options.rate(), options.durationSeconds(), "run");
            report.put("run", run.toJson());
            printTable(run);

            if (options.findMax()) {
                List<Map<String, Object>> steps = new ArrayList<>();
                double best = 0;
                double stepSize = options.findMaxStep();
                // Up in even steps; after a step that was not sustained, back to the best and up by half the step,
                // until the step is below 5 % of the best rate (or 2/s): a bisection between sustained and not.
                for (double rate = options.findMaxStart(); rate <= options.findMaxLimit(); rate = best + stepSize) {
                    Measured step = measure(phase, probe, cpu, rate, options.findMaxStepSeconds(), "find-max " + (int) rate);
                    Sustained.Verdict verdict = Sustained.judge(step.phase.errors(), step.phase.refusalsRetried(),
                            step.phase.inFlightSamples(), step.backlogAtEnd, rate);
                    Map<String, Object> json = step.toJson();
                    json.put("sustained", verdict.sustained());
                    json.put("verdict", verdict.reason());
                    steps.add(json);
                    System.out.printf("find-max %6.0f/s: %-13s completed %.1f/s  p99 %.0f ms  cpu/saga %.2f ms  (%s)%n",
                            rate, verdict.sustained() ? "sustained" : "NOT sustained", step.phase.completedPerSecond(),
                            LatencySummary.of(step.phase.endToEnd()).p99Ms(), step.cpuMsPerSaga(), verdict.reason());
                    if (verdict.sustained()) {
                        best = rate;
                        continue;
                    }
                    stepSize = (rate - best) / 2;
                    if (stepSize < Math.max(2, best * 0.05)) {
                        break;
                    }
                }
                Map<String, Object> findMax = new LinkedHashMap<>();
                findMax.put("highestSustainedRate", best);
                findMax.put("steps", steps);
                report.put("findMax", findMax);
                System.out.printf("highest rate sustained without a growing backlog: %.0f sagas/s%n", best);
            }
            // Idle as a deployment sees it most of the time: warm, after work, nothing arriving.
            progress.printf("measuring idle CPU after the load: %.0f s settling, then %.0f s%n", SETTLE_SECONDS,
                    IDLE_AFTER_SECONDS);
            Thread.sleep((long) (SETTLE_SECONDS * 1000));
            Map<String, Double> afterBefore = cpu.sample();
            Thread.sleep((long) (IDLE_AFTER_SECONDS * 1000));
            report.put("idleAfterLoadCpuPercentOfOneCore",
                    scale(difference(cpu.sample(), afterBefore), 100 / IDLE_AFTER_SECONDS));
        }
        Files.createDirectories(options.out());
        Files.writeString(options.out().resolve("report.json"),
                OrderClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println("report: " + options.out().resolve("report.json"));
        System.exit(0);
    }

    private static void seed(Options options, Catalog catalog) throws SQLException {
        catalog.seed(options.postgresHost(), options.postgresPort(), options.postgresUser(), options.postgresPassword());
        System.err.printf("seeded %d products, %d customers, %s and %s%n", catalog.products(), catalog.customers(),
                Catalog.SCARCE_SKU, Catalog.BROKE_CUSTOMER);
    }

    /** One phase with everything around it: CPU and meters before and after, backlog and lag sampled meanwhile. */
    private static Measured measure(LoadPhase phase, StackProbe probe, ProcessCpu cpu, double rate, double seconds,
                                    String label) throws Exception {
        Map<String, Double> cpuBefore = cpu.sample();
        PrometheusScrape before = probe.scrape();
        AtomicReference<Double> maxBacklog = new AtomicReference<>(0d);
        AtomicReference<Map<String, Long>> maxLag = new AtomicReference<>(new LinkedHashMap<>());
        Thread sampler = Thread.ofPlatform().daemon().name("loadgen-sampler").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    double backlog = probe.scrape().outboxBacklog();
                    maxBacklog.accumulateAndGet(backlog, Math::max);
                    Map<String, Long> lag = probe.consumerLag();
                    Map<String, Long> merged = new LinkedHashMap<>(maxLag.get());
                    lag.forEach((group, value) -> merged.merge(group, value, Math::max));
                    maxLag.set(merged);
                    Thread.sleep(2_000);
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        });
        LoadPhase.Result result = phase.run(rate, seconds, DRAIN_SECONDS, label);
        // sampled right after sending, before the drain has emptied it: the backlog the load left behind
        double backlogAtEnd = probe.scrape().outboxBacklog();
        sampler.interrupt();
        sampler.join();
        Map<String, Double> cpuUsed = difference(cpu.sample(), cpuBefore);
        PrometheusScrape after = probe.scrape();
        Map<String, Long> lagAfterDrain = probe.consumerLag();
        return new Measured(result, cpuUsed, before, after, maxBacklog.get(), backlogAtEnd, maxLag.get(),
                lagAfterDrain);
    }

    private record Measured(LoadPhase.Result phase, Map<String, Double> cpuSeconds, PrometheusScrape before,
                            PrometheusScrape after, double maxBacklog, double backlogAtEnd,
                            Map<String, Long> maxConsumerLag, Map<String, Long> consumerLagAfterDrain) {

        double stackCpuSeconds() {
            return cpuSeconds.entrySet().stream().filter(entry -> !entry.getKey().equals("load-generator"))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        double cpuMsPerSaga() {
            return phase.completed() == 0 ? 0 : stackCpuSeconds() * 1000 / phase.completed();
        }

        double meanPublishLagMs() {
            double count = after.publishLagCount() - before.publishLagCount();
            return count <= 0 ? 0 : (after.publishLagSum() - before.publishLagSum()) / count * 1000;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("targetRate", phase.rate());
            json.put("sent", phase.sent());
            json.put("completed", phase.completed());
            json.put("errors", phase.errors());
            json.put("firstError", phase.firstError());
            json.put("errorsByKind", phase.errorsByKind());
            json.put("refusalsRetried", phase.refusalsRetried());
            json.put("completedPerSecond", phase.completedPerSecond());
            json.put("sendWindowSeconds", phase.sendWindowSeconds());
            json.put("maxSchedulerDelayMs", phase.maxSendDelayMs());
            Map<String, Long> outcomes = new LinkedHashMap<>();
            phase.outcomes().forEach((outcome, count) -> outcomes.put(outcome.label(), count));
            json.put("outcomes", outcomes);
            json.put("unexpectedOutcomes", phase.unexpected());
            json.put("latencyFromScheduledSendMs", LatencySummary.of(phase.endToEnd()));
            json.put("latencyFromAcceptMs", LatencySummary.of(phase.acceptToFinal()));
            json.put("inFlightPerSecond", phase.inFlightSamples());
            json.put("outboxBacklogMax", maxBacklog);
            json.put("outboxBacklogAtEndOfSending", backlogAtEnd);
            json.put("relayPublishLagMeanMs", meanPublishLagMs());
            json.put("relayPublishLagRecentMaxMs", after.publishLagMax() * 1000);
            json.put("relayPublished", after.publishLagCount() - before.publishLagCount());
            json.put("consumerLagMax", maxConsumerLag);
            json.put("consumerLagAfterDrain", consumerLagAfterDrain);
            json.put("cpuSeconds", cpuSeconds);
            json.put("stackCpuMsPerSaga", cpuMsPerSaga());
            return json;
        }
    }

    private static void printTable(Measured run) {
        LatencySummary endToEnd = LatencySummary.of(run.phase.endToEnd());
        LatencySummary accepted = LatencySummary.of(run.phase.acceptToFinal());
        PrintStream out = System.out;
        out.println();
        out.printf("%-36s %s%n", "target rate", "%.0f orders/s for %.0f s".formatted(run.phase.rate(),
                run.phase.sendWindowSeconds()));
        out.printf("%-36s %.1f /s%n", "sagas completed", run.phase.completedPerSecond());
        out.printf("%-36s sent %d, completed %d, errors %d%n", "orders", run.phase.sent(), run.phase.completed(),
                run.phase.errors());
        if (!run.phase.errorsByKind().isEmpty()) {
            out.printf("%-36s %s%n", "errors by kind", run.phase.errorsByKind());
        }
        if (run.phase.refusalsRetried() > 0) {
            out.printf("%-36s %d (after Retry-After)%n", "503 answers retried", run.phase.refusalsRetried());
        }
        out.printf("%-36s %s (unexpected %d)%n", "outcomes", run.phase.outcomes(), run.phase.unexpected());
        out.printf("%-36s %8s %8s %8s %8s %8s%n", "latency ms", "p50", "p90", "p99", "p99.9", "max");
        out.printf("%-36s %8.1f %8.1f %8.1f %8.1f %8.1f%n", "  scheduled send -> final status", endToEnd.p50Ms(),
                endToEnd.p90Ms(), endToEnd.p99Ms(), endToEnd.p999Ms(), endToEnd.maxMs());
        out.printf("%-36s %8.1f %8.1f %8.1f %8.1f %8.1f%n", "  202 accepted -> final status", accepted.p50Ms(),
                accepted.p90Ms(), accepted.p99Ms(), accepted.p999Ms(), accepted.maxMs());
        out.printf("%-36s mean %.1f ms, recent max %.1f ms (%.0f records)%n", "relay lag (commit -> published)",
                run.meanPublishLagMs(), run.after.publishLagMax() * 1000,
                run.after.publishLagCount() - run.before.publishLagCount());
        out.printf("%-36s max %.0f rows, at end of sending %.0f%n", "outbox backlog (all services)", run.maxBacklog,
                run.backlogAtEnd);
        out.printf("%-36s max %s, after drain %s%n", "Kafka consumer lag", run.maxConsumerLag,
                run.consumerLagAfterDrain);
        out.printf("%-36s %.2f ms (stack %.1f s over %d sagas)%n", "CPU per saga, all stack processes",
                run.cpuMsPerSaga(), run.stackCpuSeconds(), run.phase.completed());
        run.cpuSeconds.forEach((role, seconds) -> out.printf("%-36s %.1f s (%.2f ms/saga)%n", "  " + role, seconds,
                run.phase.completed() == 0 ? 0 : seconds * 1000 / run.phase.completed()));
        out.println();
    }

    static Map<String, Double> difference(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> result = new LinkedHashMap<>();
        // rounded to the clock tick (10 ms) that /proc counts in, so the JSON shows no float noise
        after.forEach((role, seconds) -> result.put(role,
                Math.round((seconds - before.getOrDefault(role, 0d)) * 100) / 100d));
        return result;
    }

    private static Map<String, Double> scale(Map<String, Double> values, double factor) {
        Map<String, Double> result = new LinkedHashMap<>();
        values.forEach((key, value) -> result.put(key, value * factor));
        return result;
    }

    private static Map<String, Object> settings(Options options) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("rate", options.rate());
        settings.put("durationSeconds", options.durationSeconds());
        settings.put("warmupSeconds", options.warmupSeconds());
        settings.put("mix", options.mix().weights().toString());
        settings.put("await", options.await().option());
        settings.put("products", options.products());
        settings.put("customers", options.customers());
        settings.put("findMax", options.findMax());
        settings.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        return settings;
    }

}
