package com.sagaworks.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Writes {@code docs/benchmarks.md} from what run-benchmark.sh left in its output directory: the load generator's
 * {@code report.json} and the DB-only limit in {@code pgbench.json}.
 */
public final class BenchmarkReport {

    /** Marks where the generated part of the file ends; what follows it is kept from one run to the next. */
    static final String HAND_WRITTEN = "<!-- Written by hand from here on: run-benchmark.sh keeps it. -->";

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Path markdown = Path.of(args[1]);
        JsonNode report = OrderClient.JSON.readTree(Files.readString(out.resolve("report.json")));
        JsonNode pgbench = OrderClient.JSON.readTree(Files.readString(out.resolve("pgbench.json")));
        Path loadBefore = out.resolve("loadavg-before.txt");
        String load = Files.exists(loadBefore) ? Files.readString(loadBefore).trim() : "not recorded";
        String kept = Files.exists(markdown) ? handWritten(Files.readString(markdown)) : "";
        Files.writeString(markdown, render(report, pgbench, machine(load)) + kept);
    }

    /**
     * The part of an existing {@code docs/benchmarks.md} from {@link #HAND_WRITTEN} on (the analysis of what limits
     * the figures, written by an engineer), which a new run keeps; empty when there is none.
     */
    static String handWritten(String existing) {
        int at = existing.indexOf(HAND_WRITTEN);
        return at < 0 ? "" : "\n" + existing.substring(at);
    }

    static String render(JsonNode report, JsonNode pgbench, Map<String, String> machine) {
        JsonNode run = report.get("run");
        JsonNode e2e = run.get("latencyFromScheduledSendMs");
        JsonNode accepted = run.get("latencyFromAcceptMs");
        double dbLimit = pgbench.get("sagasPerSecond").asDouble();
        JsonNode findMax = report.get("findMax");
        double best = findMax == null ? 0 : findMax.get("highestSustainedRate").asDouble();
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Measured %s with `load-generator/run-benchmark.sh`.\n\n"
                .formatted(LocalDate.now()));
        md.append("## How to reproduce\n\n```sh\nload-generator/run-benchmark.sh            # about 10 minutes\n")
                .append("load-generator/run-benchmark.sh --rate=250 --duration=300 --find-max=false\n```\n\n")
                .append("It builds what is missing, starts the local stack on a fresh data directory ")
                .append("(`load-generator/target/benchmark-stack`, private copies of the service jars), runs the load ")
                .append("generator (a warm-up ramping to the rate in three steps, a fixed rate, then a find-max ")
                .append("search), runs the DB-only limit with pgbench (one saga per transaction, then 10), ")
                .append("stops the stack and writes this file. Raw figures: `load-generator/target/benchmark/` ")
                .append("(`report.json`, `pgbench.txt`, `pgbench.json`, `load-generator.txt`).\n\n");
        md.append("## Machine and settings\n\n| | |\n|---|---|\n");
        machine.forEach((key, value) -> md.append("| %s | %s |\n".formatted(key, value)));
        md.append("| PostgreSQL | %s, `synchronous_commit=%s`, `fsync=%s` |\n".formatted(
                machine.getOrDefault("PostgreSQL server", "17 (zonky embedded)"),
                pgbench.get("synchronousCommit").asString(), pgbench.get("fsync").asString()));
        boolean prefer = "prefer".equals(report.get("settings").path("await").asString("long-poll"));
        md.append("| Load | open model, %s, %s products, %s customers, one line per order; %s |\n".formatted(
                report.get("settings").get("mix").asString(), report.get("settings").get("products").asInt(),
                report.get("settings").get("customers").asInt(), prefer
                        ? "one request per order (`POST /orders` with `Prefer: wait=30`)"
                        : "two requests per order (`POST /orders`, then `GET /orders/{id}?wait=PT30S`)"));
        md.append("\n## Figures\n\n| | |\n|---|---|\n");
        md.append("| fixed rate | %.0f orders/s for %.0f s |\n".formatted(run.get("targetRate").asDouble(),
                run.get("sendWindowSeconds").asDouble()));
        JsonNode errorsByKind = run.path("errorsByKind");
        long refusalsRetried = run.path("refusalsRetried").asLong();
        md.append("| sagas completed | %.1f /s (%d of %d sent, %d errors%s%s) |\n".formatted(
                run.get("completedPerSecond").asDouble(), run.get("completed").asLong(), run.get("sent").asLong(),
                run.get("errors").asLong(), errorsByKind.isEmpty() ? "" : ": " + errorsByKind,
                refusalsRetried == 0 ? "" : "; " + refusalsRetried + " answers 503 retried after Retry-After"));
        md.append("| outcomes | %s |\n".formatted(run.get("outcomes").toString()));
        md.append("| latency, scheduled send → final status (ms) | p50 %.1f · p90 %.1f · p99 %.1f · p99.9 %.1f · max %.1f |\n"
                .formatted(e2e.get("p50Ms").asDouble(), e2e.get("p90Ms").asDouble(), e2e.get("p99Ms").asDouble(),
                        e2e.get("p999Ms").asDouble(), e2e.get("maxMs").asDouble()));
        md.append("| latency, accepted → final status (ms) | p50 %.1f · p90 %.1f · p99 %.1f · p99.9 %.1f · max %.1f |\n"
                .formatted(accepted.get("p50Ms").asDouble(), accepted.get("p90Ms").asDouble(),
                        accepted.get("p99Ms").asDouble(), accepted.get("p999Ms").asDouble(),
                        accepted.get("maxMs").asDouble()));
        md.append("| relay lag, outbox commit → broker ack | mean %.1f ms |\n".formatted(
                run.get("relayPublishLagMeanMs").asDouble()));
        md.append("| outbox backlog, all services | max %.0f rows |\n".formatted(run.get("outboxBacklogMax").asDouble()));
        md.append("| Kafka consumer lag, max per group | %s |\n".formatted(run.get("consumerLagMax").toString()));
        md.append("| CPU per saga, all stack processes | %.2f ms |\n".formatted(run.get("stackCpuMsPerSaga").asDouble()));
        md.append("| CPU by process (s during the run) | %s |\n".formatted(run.get("cpuSeconds").toString()));
        md.append("| idle CPU (%% of one core, 10 s before the load) | %s |\n".formatted(
                idle(report.get("idleCpuPercentOfOneCore"))));
        if (report.has("idleAfterLoadCpuPercentOfOneCore")) {
            md.append("| idle CPU after the load (%% of one core, 30 s, warm) | %s |\n".formatted(
                    idle(report.get("idleAfterLoadCpuPercentOfOneCore"))));
        }
        md.append("| highest rate sustained (find-max) | %.0f sagas/s |\n".formatted(best));
        md.append("| DB-only limit, one saga per transaction (pgbench, `saga.sql`, %d clients) | %.0f sagas/s |\n"
                .formatted(pgbench.get("clients").asInt(), dbLimit));
        // Under load the services batch (a consumer transaction, a relay round carry many messages): the batched
        // script is the limit to compare with, when the run measured it.
        double batchedLimit = pgbench.has("sagasPerSecondBatched") ? pgbench.get("sagasPerSecondBatched").asDouble() : 0;
        if (batchedLimit > 0) {
            md.append("| DB-only limit, %d sagas per transaction (as the services batch under load) | %.0f sagas/s |\n"
                    .formatted(pgbench.get("batch").asInt(), batchedLimit));
        }
        double limit = Math.max(dbLimit, batchedLimit);
        if (limit > 0) {
            md.append("| the stack reaches | %.0f %% of what the database alone allows (the higher limit) |\n"
                    .formatted(best * 100 / limit));
        }
        if (findMax != null) {
            md.append("\n### find-max steps\n\n| rate | sustained | completed/s | p99 ms | CPU ms/saga | verdict |\n")
                    .append("|---|---|---|---|---|---|\n");
            for (JsonNode step : findMax.get("steps")) {
                md.append("| %.0f | %s | %.1f | %.0f | %.2f | %s |\n".formatted(step.get("targetRate").asDouble(),
                        step.get("sustained").asBoolean() ? "yes" : "no", step.get("completedPerSecond").asDouble(),
                        step.get("latencyFromScheduledSendMs").get("p99Ms").asDouble(),
                        step.get("stackCpuMsPerSaga").asDouble(), step.get("verdict").asString()));
            }
        }
        md.append("""

                ## What is measured, and how

                - **Open model.** Order *i* is due at `start + i/rate`, fixed before the run; one scheduler thread hands each
                  order to the asynchronous HTTP client and never waits for an answer, so slow answers cannot slow the
                  arrivals. Latency is recorded from the *due* time (free of coordinated omission) and, separately, from
                  order-service's acceptance. The final status is never polled for: by default the placement itself
                  waits for it (`Prefer: wait=30`, RFC 7240; `--await=prefer`), and "accepted" is then the answer's
                  arrival less the order's own `updatedAt - createdAt`; with `--await=long-poll` the placement answers
                  `202 Accepted` at once (that is "accepted") and `GET /orders/{id}?wait=PT30S` waits for the outcome.
                - **Find-max.** The rate steps up; a step is sustained when no order fails or is refused (`503`, even if
                  its retry after `Retry-After` succeeds), the orders in flight at the end are at most 1.5x the first
                  half's peak (+20), and the outbox backlog is under half a second of arrivals.
                - **Relay lag** is the messaging library's `sagaworks.relay.publish.lag` timer (outbox `created_at` to the
                  broker's ack), summed over services, as the mean over the run; **outbox backlog** is
                  `sagaworks.outbox.backlog` (refreshed every 5 s by the services), sampled every 2 s.
                - **Consumer lag**: AdminClient, end offset minus committed offset, per consumer group, sampled every 2 s.
                - **CPU per saga**: `utime+stime` from `/proc/<pid>/stat` of the four service JVMs, the broker and
                  PostgreSQL (postmaster, its backends, and the exited backends it reaped), before and after the run,
                  divided by the completed sagas. The load generator's own CPU is reported but not counted.
                - **Idle CPU**: the same counters over 10 s just after the stack reported healthy (its JIT compilers
                  still busy), and over 30 s from 20 s after the last phase drained (warm, nothing arriving).
                - **DB-only limit**: `load-generator/pgbench/saga.sql` replays one successful saga's SQL as taken from the
                  statement log of a real saga (same statements, same transaction boundaries, one message per
                  transaction, outbox rows deleted one by one) against the same PostgreSQL, in a database whose four
                  schemas come from the services' own migrations. pgbench's tps is sagas/s. Then the same SQL with
                  10 sagas per transaction and per relay DELETE (`BatchedSagaScript`), the shape the services take
                  under load, each pgbench client with products and customers of its own.

                ## Caveats

                The machine is shared and noisy: quote medians and ratios from one run, and compare runs only when the
                load average before them (in the table above) was low. "sagas completed /s" counts completions during
                the sending window; at a latency of seconds the window ends with sagas in flight.
                """);
        return md.toString();
    }

    private static Map<String, String> machine(String loadBefore) throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name")).findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown");
        String memory = Files.readAllLines(Path.of("/proc/meminfo")).getFirst().replaceAll("\\s+", " ");
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("CPU", "%s, %d cores".formatted(cpu, Runtime.getRuntime().availableProcessors()));
        machine.put("Memory", memory);
        machine.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("Load average before the run (1, 5, 15 min)", loadBefore);
        machine.put("JVM (services, load generator)", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"));
        machine.put("Service JVM flags", "local-stack defaults: -Xmx320m -XX:+UseSerialGC");
        machine.put("Kafka", "one KRaft broker process (local-stack), acks=all, idempotent producer");
        return machine;
    }

    /** "4.8 % for the stack (postgres 2.1, kafka 1.6, ...)": per process, the load generator shown apart. */
    static String idle(JsonNode percentages) {
        double stack = 0;
        StringBuilder parts = new StringBuilder();
        for (var field : percentages.properties()) {
            double value = field.getValue().asDouble();
            if ("load-generator".equals(field.getKey())) {
                continue;
            }
            stack += value;
            parts.append(parts.isEmpty() ? "" : ", ").append("%s %.1f".formatted(field.getKey(), value));
        }
        String generator = percentages.has("load-generator")
                ? "; load generator %.1f".formatted(percentages.get("load-generator").asDouble()) : "";
        return "%.1f %% for the stack (%s)%s".formatted(stack, parts, generator);
    }
}
