#!/usr/bin/env bash
# The whole benchmark in one command: build if needed, start the local stack on a fresh data directory, run the load
# generator (a fixed rate, then a find-max search), run the DB-only limit (pgbench), stop the stack, and write
# docs/benchmarks.md.
#
#   load-generator/run-benchmark.sh [--rate=40] [--duration=60] [--warmup=60] [--find-max=true] [--find-max-start=20]
#                                   [--find-max-step=20] [--find-max-limit=1500] [--find-max-step-seconds=20]
#                                   [--pgbench-seconds=30] [--pgbench-clients=8] [--await=prefer|long-poll]
#                                   [--data-dir=DIR] [--postgres-port=5432] [--kafka-port=9092]
#
# Needs a JDK 21+ (JAVA_HOME or java on the PATH) and pgbench (PG_BIN, default /usr/lib/postgresql/15/bin).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
rate=40
duration=60
# long enough for the JIT compilers to finish with the hot paths: in a 15 s warm-up they were among the busiest threads
warmup=60
find_max=true
find_max_start=20
find_max_step=20
find_max_limit=1500
find_max_step_seconds=20
pgbench_seconds=30
pgbench_clients=8
# prefer: one request per order (POST /orders with Prefer: wait=30); long-poll: the placement, then GET ?wait=
await=prefer
data_dir=""
postgres_port=5432
kafka_port=9092
for arg in "$@"; do
    case "$arg" in
        --rate=*) rate="${arg#*=}" ;;
        --duration=*) duration="${arg#*=}" ;;
        --warmup=*) warmup="${arg#*=}" ;;
        --find-max=*) find_max="${arg#*=}" ;;
        --find-max-start=*) find_max_start="${arg#*=}" ;;
        --find-max-step=*) find_max_step="${arg#*=}" ;;
        --find-max-limit=*) find_max_limit="${arg#*=}" ;;
        --find-max-step-seconds=*) find_max_step_seconds="${arg#*=}" ;;
        --pgbench-seconds=*) pgbench_seconds="${arg#*=}" ;;
        --await=*) await="${arg#*=}" ;;
        --pgbench-clients=*) pgbench_clients="${arg#*=}" ;;
        --data-dir=*) data_dir="${arg#*=}" ;;
        --postgres-port=*) postgres_port="${arg#*=}" ;;
        --kafka-port=*) kafka_port="${arg#*=}" ;;
        *) echo "unknown option: $arg" >&2; exit 2 ;;
    esac
done
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
out="$repo/load-generator/target/benchmark"
data_dir="${data_dir:-$repo/load-generator/target/benchmark-stack}"

jars=(order-service/target/order-service.jar inventory-service/target/inventory-service.jar
      payment-service/target/payment-service.jar orchestrator/target/orchestrator.jar
      local-stack/target/local-stack.jar load-generator/target/load-generator.jar)
for jar in "${jars[@]}"; do
    if [[ ! -f "$jar" ]]; then
        echo "building (a jar is missing: $jar)" >&2
        ./mvnw -q -DskipTests package
        break
    fi
done

# A fresh data directory, and private copies of the service jars: a build running meanwhile rewrites target/*.jar,
# and a JVM whose jar changes under it fails at its next class load.
rm -rf "$data_dir" "$out"
mkdir -p "$data_dir/jars" "$out"
for service in order-service inventory-service payment-service orchestrator; do
    cp "$service/target/$service.jar" "$data_dir/jars/"
done

stack_pid=""
stop_stack() {
    if [[ -n "$stack_pid" ]] && kill -0 "$stack_pid" 2>/dev/null; then
        echo "stopping the stack" >&2
        # TERM, not INT: a background job of a script starts with SIGINT ignored
        kill -TERM "$stack_pid"
        wait "$stack_pid" || true
    fi
}
trap stop_stack EXIT

# How busy the machine was before the benchmark added anything: the report prints it next to the figures.
cut -d" " -f1-3 /proc/loadavg > "$out/loadavg-before.txt"
echo "starting the local stack in $data_dir" >&2
"$java_bin" -jar local-stack/target/local-stack.jar --data-dir="$data_dir/stack" --jars-dir="$data_dir/jars" \
    --postgres-port="$postgres_port" --kafka-port="$kafka_port" > "$out/stack.log" 2>&1 &
stack_pid=$!
until grep -q "all services healthy" "$out/stack.log"; do
    if ! kill -0 "$stack_pid" 2>/dev/null; then
        echo "the stack did not start:" >&2
        tail -40 "$out/stack.log" >&2
        exit 1
    fi
    sleep 2
done

"$java_bin" -jar load-generator/target/load-generator.jar --rate="$rate" --duration="$duration" --warmup="$warmup" \
    --find-max="$find_max" --find-max-start="$find_max_start" --find-max-step="$find_max_step" \
    --find-max-limit="$find_max_limit" --find-max-step-seconds="$find_max_step_seconds" --await="$await" \
    --postgres-port="$postgres_port" --kafka=127.0.0.1:"$kafka_port" --data-dir="$data_dir/stack" --out="$out" \
    2> >(grep --line-buffered -v -E '^\s|^\[.*\] INFO ' >&2) | tee "$out/load-generator.txt"

# The services stay up but idle while pgbench runs: their pollers are part of the database's life too.
load-generator/pgbench/run-pgbench.sh --port="$postgres_port" --clients="$pgbench_clients" \
    --seconds="$pgbench_seconds" --out="$out"

stop_stack
trap - EXIT

"$java_bin" -cp load-generator/target/load-generator.jar com.sagaworks.loadgen.BenchmarkReport \
    "$out" "$repo/docs/benchmarks.md"
echo "wrote docs/benchmarks.md" >&2
