package com.sagaworks.messaging.outbox;

import com.sagaworks.messaging.MessagingTestApplication;
import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay reads the oldest outbox rows and deletes the published ones through the indexes after a vacuum, while
 * the heap fills up again. Every row is deleted moments after its insert, so between two autovacuum visits the heap
 * fills with dead rows. A vacuum that gave the emptied pages back made the connections plan again while the table
 * was smallest (sequential scans), and they kept those plans, and read the whole heap on every relay round, until
 * the next vacuum. The outbox keeps its pages (messaging migration V3), and so its plans go through the indexes.
 */
@SpringBootTest(classes = MessagingTestApplication.class, properties = {
        "sagaworks.messaging.consumer.enabled=false",
        "sagaworks.messaging.relay.enabled=false"})
@DirtiesContext
class OutboxReadPlanIT {

    private static final String INSERT = """
            INSERT INTO messaging_outbox (id, topic, aggregate_type, aggregate_id, type, payload)
            SELECT gen_random_uuid(), 'plan.test', 'Test', 'key-' || n, 'Tested', jsonb_build_object('n', n)
              FROM generate_series(1, :rows) AS n
            RETURNING id
            """;

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TransactionTemplate transactions;
    @Autowired
    private PlatformTransactionManager transactionManager;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "messaging_read_plan");
    }

    @Test
    void afterAVacuumReadsAndDeletesGoThroughTheIndexesWhileTheHeapFillsAgain() {
        // no autovacuum during the test: a visit of its own would make every connection plan anew
        jdbc.sql("ALTER TABLE messaging_outbox SET (autovacuum_enabled = false)").update();
        try {
            jdbc.sql("DELETE FROM messaging_outbox").update();
            jdbc.sql("DELETE FROM messaging_relay_lease").update();
            jdbc.sql("INSERT INTO messaging_relay_lease (name, owner, expires_at) VALUES (:name, 'plan-test', "
                    + "now() + interval '1 hour')").param("name", RelayLease.NAME).update();
            TransactionTemplate other = new TransactionTemplate(transactionManager);
            other.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
            // a few rows waiting, then a busy minute: rows published and deleted, dead until the vacuum, which finds
            // the pages at the end of the heap empty
            List<UUID> waiting = jdbc.sql(INSERT).param("rows", 5).query(UUID.class).list();
            publishAndDelete(5000);
            long busyPages = pages();
            jdbc.sql("VACUUM ANALYZE messaging_outbox").update();
            assertThat(pages()).as("heap pages after the vacuum").isEqualTo(busyPages);

            transactions.executeWithoutResult(status -> {
                // one connection throughout, as the relay's rounds reuse the pool's: past the driver's threshold its
                // statements are prepared, and the server keeps the plans it makes now
                for (int round = 0; round < 15; round++) {
                    assertThat(oldest()).containsExactlyElementsOf(waiting);
                    assertThat(deletePublished(UUID.randomUUID())).isZero();
                }
                // the next busy minute, in other transactions: the heap fills with dead rows again
                other.executeWithoutResult(s -> publishAndDelete(5000));

                long[] before = scans();
                for (int round = 0; round < 5; round++) {
                    assertThat(oldest()).containsExactlyElementsOf(waiting);
                }
                assertThat(deletePublished(waiting.getFirst(), waiting.get(1))).isEqualTo(2);
                assertThat(oldest()).containsExactlyElementsOf(waiting.subList(2, waiting.size()));
                long[] after = scans();
                assertThat(after[0] - before[0]).as("sequential scans of the outbox").isZero();
                assertThat(after[1] - before[1]).as("index scans of the outbox").isGreaterThanOrEqualTo(7);
            });
        } finally {
            jdbc.sql("ALTER TABLE messaging_outbox RESET (autovacuum_enabled)").update();
        }
    }

    /** Rows inserted and deleted, as the relay publishes them: dead in the heap until a vacuum. */
    private void publishAndDelete(int rows) {
        List<UUID> published = jdbc.sql(INSERT).param("rows", rows).query(UUID.class).list();
        jdbc.sql("DELETE FROM messaging_outbox WHERE id = ANY(:ids)").param("ids", published.toArray(UUID[]::new))
                .update();
    }

    private long pages() {
        return jdbc.sql("SELECT pg_relation_size('messaging_outbox') / 8192").query(Long.class).single();
    }

    /** The relay's read, as it runs it: the ids of the oldest rows. */
    private List<UUID> oldest() {
        return jdbc.sql(OutboxRelay.SELECT_BATCH).param("limit", 100)
                .query((rs, n) -> rs.getObject("id", UUID.class)).list();
    }

    /** The relay's delete, as it runs it, fenced by the lease this test holds: the rows deleted. */
    private int deletePublished(UUID... ids) {
        return jdbc.sql(RelayLease.DELETE_IF_STILL_OURS).param("ids", ids).param("name", RelayLease.NAME)
                .param("owner", "plan-test").update();
    }

    /** This transaction's sequential and index scans of the outbox so far. */
    private long[] scans() {
        return jdbc.sql("""
                        SELECT seq_scan, coalesce(idx_scan, 0) AS idx_scan FROM pg_stat_xact_user_tables
                         WHERE relname = 'messaging_outbox'
                        """)
                .query((rs, n) -> new long[] {rs.getLong("seq_scan"), rs.getLong("idx_scan")}).single();
    }
}
