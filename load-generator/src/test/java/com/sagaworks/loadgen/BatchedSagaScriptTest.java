package com.sagaworks.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchedSagaScriptTest {

    private static final String SCRIPT = """
            \\set r random(1, 100)
            -- 1. a service
            SET search_path = orders;
            BEGIN;
            INSERT INTO orders (id) VALUES (md5('order' || :r)::uuid)
                ON CONFLICT DO NOTHING;
            COMMIT;
            SELECT id FROM orders WHERE id = md5('order' || :r)::uuid;
            SELECT id FROM orders WHERE id = ANY(ARRAY[md5('order' || :r)::uuid]) ORDER BY id;
            DELETE FROM messaging_outbox WHERE id = ANY(ARRAY[md5('m1' || :r)::uuid])
                AND EXISTS (SELECT 1);
            """;

    @Test
    void putsTheStatementsOfEverySagaInOneTransactionAndOneRelayDeleteAndOneReadByIds() {
        String batched = BatchedSagaScript.batch(SCRIPT, 2, 8);

        assertThat(batched).contains("\\set r1 random(1, 100)\n\\set r2 random(1, 100)\n")
                .contains("""
                        BEGIN;
                        INSERT INTO orders (id) VALUES (md5('order' || :r1)::uuid)
                            ON CONFLICT DO NOTHING;
                        INSERT INTO orders (id) VALUES (md5('order' || :r2)::uuid)
                            ON CONFLICT DO NOTHING;
                        COMMIT;
                        SELECT id FROM orders WHERE id = md5('order' || :r1)::uuid;
                        SELECT id FROM orders WHERE id = md5('order' || :r2)::uuid;
                        SELECT id FROM orders WHERE id = ANY(ARRAY[md5('order' || :r1)::uuid, md5('order' || :r2)::uuid]) ORDER BY id;
                        DELETE FROM messaging_outbox WHERE id = ANY(ARRAY[md5('m1' || :r1)::uuid, md5('m1' || :r2)::uuid])
                            AND EXISTS (SELECT 1);
                        """);
        assertThat(batched).containsOnlyOnce("BEGIN;").containsOnlyOnce("SET search_path = orders;");
    }

    @Test
    void recordsTheInboxRowsOfTheWholeBatchFirstInOneStatement() {
        String script = """
                \\set r random(1, 100)
                BEGIN;
                INSERT INTO messaging_inbox (message_id, message_type, topic) VALUES (md5('m1' || :r)::uuid, 'ReserveStock', 'inventory.commands') ON CONFLICT (message_id) DO NOTHING;
                UPDATE stock SET reserved = reserved + 1 WHERE sku = md5('s' || :r);
                COMMIT;
                """;

        String batched = BatchedSagaScript.batch(script, 2, 8);

        assertThat(batched).contains("""
                BEGIN;
                INSERT INTO messaging_inbox (message_id, message_type, topic)
                    SELECT message_id, message_type, topic
                      FROM unnest(CAST(ARRAY[md5('m1' || :r1)::uuid, md5('m1' || :r2)::uuid] AS uuid[]), \
                CAST(ARRAY['ReserveStock', 'ReserveStock'] AS text[]), \
                CAST(ARRAY['inventory.commands', 'inventory.commands'] AS text[]))
                           AS message (message_id, message_type, topic)
                     ORDER BY message_id
                    ON CONFLICT (message_id) DO NOTHING
                    RETURNING message_id;
                UPDATE stock SET reserved = reserved + 1 WHERE sku = md5('s' || :r1);
                UPDATE stock SET reserved = reserved + 1 WHERE sku = md5('s' || :r2);
                COMMIT;
                """);
        assertThat(BatchedSagaScript.batch(script, 1, 8)).as("a batch of one keeps the plain INSERT")
                .contains("VALUES (md5('m1' || :r1)::uuid, 'ReserveStock', 'inventory.commands')");
    }

    @Test
    void writesTheOutboxRowsOfAConsumerBatchAtItsEndInOneStatementAndReadsItsSagasAhead() {
        String script = """
                \\set r random(1, 100)
                BEGIN;
                INSERT INTO messaging_inbox (message_id, message_type, topic) VALUES (md5('m1' || :r)::uuid, 'StockReserved', 'inventory.replies') ON CONFLICT (message_id) DO NOTHING;
                SELECT id FROM saga WHERE id = ANY(ARRAY[md5('saga' || :r)::uuid]) ORDER BY id FOR UPDATE;
                UPDATE saga SET version = 2 WHERE id = md5('saga' || :r)::uuid;
                WITH queued AS (
                    INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
                        VALUES (md5('m2' || :r)::uuid, 'payment.commands', 'saga', md5('saga' || :r), 'ChargePayment',
                                CAST('{"a":1,"b":"x, (y)"}' AS jsonb),
                                CAST('{"message-id":"1"}' AS jsonb))
                        ON CONFLICT (id) DO NOTHING)
                UPDATE messaging_inbox SET replies = CAST('[{"id":"2"}]' AS jsonb)
                    WHERE message_id = md5('m1' || :r)::uuid;
                COMMIT;
                """;

        String batched = BatchedSagaScript.batch(script, 2, 8);

        assertThat(batched).containsOnlyOnce("FROM saga WHERE id = ANY(ARRAY[md5('saga' || :r1)::uuid, "
                        + "md5('saga' || :r2)::uuid]) ORDER BY id FOR UPDATE;")
                .containsOnlyOnce("INSERT INTO messaging_outbox")
                .contains("UPDATE saga SET version = 2 WHERE id = md5('saga' || :r1)::uuid;\n"
                        + "UPDATE saga SET version = 2 WHERE id = md5('saga' || :r2)::uuid;\nWITH queued AS (")
                .contains("FROM unnest(CAST(ARRAY[md5('m2' || :r1)::uuid, md5('m2' || :r2)::uuid] AS uuid[]), "
                        + "CAST(ARRAY['payment.commands', 'payment.commands'] AS text[]), ")
                .contains("CAST(ARRAY['{\"a\":1,\"b\":\"x, (y)\"}', '{\"a\":1,\"b\":\"x, (y)\"}'] AS text[])")
                .contains("FROM unnest(CAST(ARRAY[md5('m1' || :r1)::uuid, md5('m1' || :r2)::uuid] AS uuid[]), "
                        + "CAST(ARRAY['[{\"id\":\"2\"}]', '[{\"id\":\"2\"}]'] AS text[])) AS stored")
                .endsWith("RETURNING inbox.message_id;\nCOMMIT;\n");
        assertThat(BatchedSagaScript.batch(script, 1, 8)).as("a batch of one keeps the single-row statements")
                .contains("WITH queued AS (\n    INSERT INTO messaging_outbox").doesNotContain("unnest");
    }

    @Test
    void aConsumerBatchOfOneThatQueuedTwoRowsWritesThemInOneStatement() {
        String script = """
                \\set r random(1, 100)
                BEGIN;
                INSERT INTO messaging_inbox (message_id, message_type, topic) VALUES (md5('m6' || :r)::uuid, 'ApproveOrder', 'order.commands') ON CONFLICT (message_id) DO NOTHING;
                INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
                    VALUES (md5('m7' || :r)::uuid, 'order.events.v1', 'order', md5('o' || :r), 'OrderConfirmed',
                            CAST('{}' AS jsonb), CAST('{}' AS jsonb))
                    ON CONFLICT (id) DO NOTHING;
                WITH queued AS (
                    INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload, headers)
                        VALUES (md5('m8' || :r)::uuid, 'order.replies', 'saga', md5('s' || :r), 'OrderApproved',
                                CAST('{}' AS jsonb), CAST('{}' AS jsonb))
                        ON CONFLICT (id) DO NOTHING)
                UPDATE messaging_inbox SET replies = CAST('[]' AS jsonb)
                    WHERE message_id = md5('m6' || :r)::uuid;
                COMMIT;
                """;

        assertThat(BatchedSagaScript.batch(script, 1, 8))
                .containsOnlyOnce("INSERT INTO messaging_outbox")
                .contains("FROM unnest(CAST(ARRAY[md5('m7' || :r1)::uuid, md5('m8' || :r1)::uuid] AS uuid[])");
        // an HTTP transaction (no inbox row) writes its rows as it goes
        assertThat(BatchedSagaScript.batch(script.replaceFirst("INSERT INTO messaging_inbox.*\n", ""), 1, 8))
                .doesNotContain("unnest");
    }

    @Test
    void givesEachClientProductsOfItsOwnSoThatBatchesCannotDeadlock() {
        String batched = BatchedSagaScript.batch("\\set sku random(0, 499)\n", 2, 8);

        assertThat(batched).endsWith("\\set sku1 :client_id + 8 * random(0, 61)\n"
                + "\\set sku2 :client_id + 8 * random(0, 61)\n");
    }

    @Test
    void aBatchOfOneIsTheScriptItself() {
        assertThat(BatchedSagaScript.batch(SCRIPT, 1, 8))
                .endsWith(SCRIPT.replace(":r", ":r1").replace("\\set r ", "\\set r1 "));
    }
}
