#!/usr/bin/env bash
# The DB-only limit: runs pgbench/saga.sql (one successful saga per pgbench "transaction", so tps = sagas/s) against
# the PostgreSQL of a running local stack, in a database of its own (saga_bench) that holds each service's schema
# built from the services' own Flyway migrations. Prints the sagas/s and writes pgbench's output to OUT_DIR.
# Runs twice: one saga per transaction (the services at low load, a batch of one), then BATCH sagas per transaction
# (the services under load: a consumer batch and a relay round carry many messages; BatchedSagaScript writes it).
#
#   load-generator/pgbench/run-pgbench.sh [--port=5432] [--clients=8] [--seconds=30] [--batch=10] [--out=DIR]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
port=5432
clients=8
seconds=30
batch=10
out="$repo/load-generator/target/benchmark"
for arg in "$@"; do
    case "$arg" in
        --port=*) port="${arg#*=}" ;;
        --clients=*) clients="${arg#*=}" ;;
        --seconds=*) seconds="${arg#*=}" ;;
        --batch=*) batch="${arg#*=}" ;;
        --out=*) out="${arg#*=}" ;;
        *) echo "unknown option: $arg" >&2; exit 2 ;;
    esac
done
# pgbench 15 is what this machine has; its client protocol works against the stack's PostgreSQL 17
pgbin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGPASSWORD=postgres
mkdir -p "$out"

"$pgbin/psql" -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS saga_bench" -c "CREATE DATABASE saga_bench"
migrate() {
    local schema="$1"; shift
    {
        echo "CREATE SCHEMA $schema; SET search_path = $schema;"
        cat "$repo/messaging/src/main/resources/db/messaging/"V*.sql
        for file in "$@"; do cat "$file"; done
    } | "$pgbin/psql" -q -v ON_ERROR_STOP=1 -d saga_bench >/dev/null
}
migrate orders "$repo"/order-service/src/main/resources/db/migration/V*.sql
migrate orchestrator "$repo"/orchestrator/src/main/resources/db/migration/V*.sql
migrate inventory "$repo"/inventory-service/src/main/resources/db/migration/V*.sql
migrate payment "$repo"/payment-service/src/main/resources/db/migration/V*.sql
"$pgbin/psql" -q -v ON_ERROR_STOP=1 -d saga_bench <<'SQL'
INSERT INTO inventory.product (sku, name, price_cents, available)
    SELECT 'LOADGEN-' || lpad(i::text, 4, '0'), 'pgbench product', 100, 1000000000 FROM generate_series(0, 499) i;
INSERT INTO payment.account (customer_id, balance_cents)
    SELECT 'loadgen-' || lpad(i::text, 4, '0'), 1000000000000 FROM generate_series(0, 499) i;
-- the lease the relay's fenced DELETE checks, held by "pgbench" in each service's schema
INSERT INTO orders.messaging_relay_lease VALUES ('outbox-relay', 'pgbench', 'infinity');
INSERT INTO orchestrator.messaging_relay_lease VALUES ('outbox-relay', 'pgbench', 'infinity');
INSERT INTO inventory.messaging_relay_lease VALUES ('outbox-relay', 'pgbench', 'infinity');
INSERT INTO payment.messaging_relay_lease VALUES ('outbox-relay', 'pgbench', 'infinity');
VACUUM ANALYZE;
SQL

# saga.sql as the services send it for one saga per transaction: BatchedSagaScript with n = 1 merges the outbox rows
# a consumer batch of one queued (order-service's ApproveOrder queues two) into the one statement the services send.
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"$java_bin" -cp "$repo/load-generator/target/load-generator.jar" com.sagaworks.loadgen.BatchedSagaScript \
    "$here/saga.sql" 1 "$clients" "$out/saga-1.sql"
echo "pgbench: $clients clients, $seconds s, saga.sql (one saga per transaction)" >&2
"$pgbin/pgbench" -n -M prepared --random-seed=rand -c "$clients" -j 2 -T "$seconds" -P 5 -f "$out/saga-1.sql" saga_bench \
    2>"$out/pgbench.progress" | tee "$out/pgbench.txt"
tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out/pgbench.txt")
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out/pgbench.txt")

# Batched: each client takes products and customers of its own (see BatchedSagaScript), so batches cannot deadlock.
"$java_bin" -cp "$repo/load-generator/target/load-generator.jar" com.sagaworks.loadgen.BatchedSagaScript \
    "$here/saga.sql" "$batch" "$clients" "$out/saga-batch.sql"
echo "pgbench: $clients clients, $seconds s, $batch sagas per transaction" >&2
"$pgbin/pgbench" -n -M prepared --random-seed=rand -c "$clients" -j 2 -T "$seconds" -P 5 -f "$out/saga-batch.sql" \
    saga_bench 2>"$out/pgbench-batch.progress" | tee "$out/pgbench-batch.txt"
batch_tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out/pgbench-batch.txt")
batch_failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out/pgbench-batch.txt")
batch_sagas=$(awk -v t="$batch_tps" -v n="$batch" 'BEGIN { printf "%.1f", t * n }')

synchronous_commit=$("$pgbin/psql" -tA -d saga_bench -c "SHOW synchronous_commit")
fsync=$("$pgbin/psql" -tA -d saga_bench -c "SHOW fsync")
printf '{"sagasPerSecond": %s, "clients": %s, "seconds": %s, "failed": %s, "batch": %s, "sagasPerSecondBatched": %s, "failedBatched": %s, "synchronousCommit": "%s", "fsync": "%s"}\n' \
    "$tps" "$clients" "$seconds" "${failed:-0}" "$batch" "$batch_sagas" "${batch_failed:-0}" "$synchronous_commit" \
    "$fsync" > "$out/pgbench.json"
"$pgbin/psql" -q -d postgres -c "DROP DATABASE saga_bench"
echo "DB-only limit: $tps sagas/s one per transaction, $batch_sagas sagas/s $batch per transaction" >&2
