package com.sagaworks.loadgen;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The load generator's command line, {@code --name=value}; unknown options are refused. */
record Options(URI orderService, List<URI> metricsServices, String apiKey, double rate, double durationSeconds,
               double warmupSeconds, OrderMix mix, boolean findMax, double findMaxStart, double findMaxStep,
               double findMaxLimit, double findMaxStepSeconds, String postgresHost, int postgresPort,
               String postgresUser, String postgresPassword, boolean seed, int products, int customers,
               String kafka, String dataDirectory, Path out, OrderClient.Await await) {

    private static final Set<String> NAMES = Set.of("--order-service", "--metrics-services", "--api-key", "--rate",
            "--duration", "--warmup", "--mix", "--find-max", "--find-max-start", "--find-max-step", "--find-max-limit",
            "--find-max-step-seconds", "--postgres-host", "--postgres-port", "--postgres-user", "--postgres-password",
            "--seed", "--products", "--customers", "--kafka", "--data-dir", "--out", "--await");

    static final String USAGE = """
            Usage: java -jar load-generator/target/load-generator.jar [--name=value ...]

              --rate=100                 orders per second (open model: sent on schedule, however slow the answers)
              --duration=60              seconds of measured load
              --warmup=10                seconds at the same rate before measuring (0: none)
              --mix=success:90,declined:5,out-of-stock:5
              --await=prefer             prefer: POST /orders with Prefer: wait=30 (one request per order);
                                         long-poll: POST answered at once, then GET /orders/{id}?wait=PT30S
              --find-max=false           also step the rate up to find the highest rate sustained without backlog
              --find-max-start=100 --find-max-step=50 --find-max-limit=1500 --find-max-step-seconds=20
              --order-service=http://127.0.0.1:8080
              --metrics-services=http://127.0.0.1:8080,http://127.0.0.1:8081,http://127.0.0.1:8082,http://127.0.0.1:8083
              --api-key=demo-shop-key
              --postgres-host=127.0.0.1 --postgres-port=5432 --postgres-user=postgres --postgres-password=postgres
              --seed=true                write the benchmark's products and accounts first
              --products=500 --customers=500
              --kafka=127.0.0.1:9092
              --data-dir=local-stack-data the local stack's data directory (finds its broker for CPU accounting)
              --out=load-generator/target/benchmark   where report.json goes
            """;

    static Options parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown option: " + arg + "\n\n" + USAGE);
            }
            values.put(name, equals < 0 ? "true" : arg.substring(equals + 1));
        }
        return new Options(
                URI.create(values.getOrDefault("--order-service", "http://127.0.0.1:8080")),
                List.of(values.getOrDefault("--metrics-services",
                                "http://127.0.0.1:8080,http://127.0.0.1:8081,http://127.0.0.1:8082,http://127.0.0.1:8083")
                        .split(",")).stream().map(String::trim).map(URI::create).toList(),
                values.getOrDefault("--api-key", "demo-shop-key"),
                positive(values, "--rate", "100"),
                positive(values, "--duration", "60"),
                Double.parseDouble(values.getOrDefault("--warmup", "10")),
                OrderMix.parse(values.getOrDefault("--mix", "success:90,declined:5,out-of-stock:5")),
                Boolean.parseBoolean(values.getOrDefault("--find-max", "false")),
                positive(values, "--find-max-start", "20"),
                positive(values, "--find-max-step", "20"),
                positive(values, "--find-max-limit", "1500"),
                positive(values, "--find-max-step-seconds", "20"),
                values.getOrDefault("--postgres-host", "127.0.0.1"),
                Integer.parseInt(values.getOrDefault("--postgres-port", "5432")),
                values.getOrDefault("--postgres-user", "postgres"),
                values.getOrDefault("--postgres-password", "postgres"),
                Boolean.parseBoolean(values.getOrDefault("--seed", "true")),
                (int) positive(values, "--products", "500"),
                (int) positive(values, "--customers", "500"),
                values.getOrDefault("--kafka", "127.0.0.1:9092"),
                Path.of(values.getOrDefault("--data-dir", "local-stack-data")).toAbsolutePath().normalize().toString(),
                Path.of(values.getOrDefault("--out", "load-generator/target/benchmark")),
                OrderClient.Await.parse(values.getOrDefault("--await", "prefer")));
    }

    private static double positive(Map<String, String> values, String name, String fallback) {
        double value = Double.parseDouble(values.getOrDefault(name, fallback));
        if (!(value > 0)) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }
}
