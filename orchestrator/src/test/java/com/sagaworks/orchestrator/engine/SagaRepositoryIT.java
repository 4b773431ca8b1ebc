package com.sagaworks.orchestrator.engine;

import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.BeforeEach;
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

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A saga row and its history are written by one statement each time (start, move): the history never records a
 * start that did not happen or a move that the version guard refused, and every move it records is the row's.
 */
@SpringBootTest
@DirtiesContext
class SagaRepositoryIT {

    private static final String TYPE = "repository-test";

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "orchestrator_repository");
    }

    @Autowired
    SagaRepository sagas;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    PlatformTransactionManager transactionManager;

    private TransactionTemplate other;

    @BeforeEach
    void anotherTransaction() {
        other = new TransactionTemplate(transactionManager);
        other.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @Test
    void aSecondStartForTheSameKeyWritesNeitherSagaNorHistory() {
        String businessKey = UUID.randomUUID().toString();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID event = UUID.randomUUID();

        assertThat(start(first, businessKey, event)).isTrue();
        assertThat(start(second, businessKey, UUID.randomUUID())).isFalse();

        assertThat(jdbc.sql("SELECT count(*) FROM saga WHERE business_key = :key").param("key", businessKey)
                .query(Long.class).single()).isEqualTo(1);
        assertThat(history(second)).isEmpty();
        assertThat(history(first)).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("kind", "STARTED").containsEntry("version", 1)
                    .containsEntry("to_status", "RUNNING").containsEntry("to_step", "RESERVE_STOCK")
                    .containsEntry("message_id", event).containsEntry("message_type", "OrderPlaced");
            assertThat(row.get("from_status")).isNull();
            assertThat(row.get("commands").toString()).contains("ReserveStock");
        });
    }

    @Test
    void sagasLockedTogetherAreHandedOutOnceAndReadAgainAfterAMove() {
        UUID moved = UUID.randomUUID();
        UUID untouched = UUID.randomUUID();
        start(moved, UUID.randomUUID().toString(), UUID.randomUUID());
        start(untouched, UUID.randomUUID().toString(), UUID.randomUUID());

        transactions.executeWithoutResult(status -> {
            sagas.lockAll(List.of(moved, untouched, UUID.randomUUID()));
            // both rows are locked now: another transaction cannot take them
            for (UUID id : List.of(moved, untouched)) {
                assertThatThrownBy(() -> other.executeWithoutResult(s -> jdbc.sql(
                        "SELECT id FROM saga WHERE id = :id FOR UPDATE NOWAIT").param("id", id).query().listOfRows()))
                        .as("row lock on %s", id).hasMessageContaining("could not obtain lock");
            }
            // a moved saga is read again, not taken from the read ahead
            SagaRecord first = sagas.lock(moved).orElseThrow();
            assertThat(first.version()).isEqualTo(1);
            sagas.move(moved, 1, SagaStatus.RUNNING, "RESERVE_STOCK", SagaStatus.RUNNING, "CHARGE_PAYMENT", "{}",
                    UUID.randomUUID(), 1, null, Instant.now().plusSeconds(30),
                    new SagaRepository.HistoryNote("TRANSITION", UUID.randomUUID(), "StockReserved", "[]", null));
            assertThat(sagas.lock(moved).orElseThrow().version()).isEqualTo(2);
            assertThat(sagas.lock(untouched).orElseThrow().version()).isEqualTo(1);
            jdbc.sql("UPDATE saga SET data = '{\"n\":9}', version = version + 1 WHERE id = :id").param("id", untouched).update();
            // handed out once: asked again, the row is read again
            assertThat(sagas.lock(untouched).orElseThrow().dataJson()).isEqualTo("{\"n\": 9}");
        });
        // nothing is carried into the next transaction
        transactions.executeWithoutResult(status -> assertThat(sagas.lock(moved).orElseThrow().version())
                .isEqualTo(2));
    }

    @Test
    void aMoveRecordsWhereTheSagaWasAndWhereItWent() {
        UUID saga = UUID.randomUUID();
        start(saga, UUID.randomUUID().toString(), UUID.randomUUID());
        UUID reply = UUID.randomUUID();

        sagas.move(saga, 1, SagaStatus.RUNNING, "RESERVE_STOCK", SagaStatus.RUNNING, "CHARGE_PAYMENT", "{\"n\":2}",
                UUID.randomUUID(), 1, null, Instant.now().plusSeconds(30),
                new SagaRepository.HistoryNote("TRANSITION", reply, "StockReserved", "[]", null));

        assertThat(sagas.find(saga)).get().satisfies(record -> {
            assertThat(record.version()).isEqualTo(2);
            assertThat(record.currentStep()).isEqualTo("CHARGE_PAYMENT");
        });
        assertThat(history(saga)).hasSize(2).last().satisfies(row -> assertThat(row)
                .containsEntry("kind", "TRANSITION").containsEntry("version", 2)
                .containsEntry("from_status", "RUNNING").containsEntry("to_status", "RUNNING")
                .containsEntry("from_step", "RESERVE_STOCK").containsEntry("to_step", "CHARGE_PAYMENT")
                .containsEntry("message_id", reply).containsEntry("message_type", "StockReserved"));
    }

    @Test
    void aMoveFromAStaleVersionChangesNothingAndRecordsNothing() {
        UUID saga = UUID.randomUUID();
        start(saga, UUID.randomUUID().toString(), UUID.randomUUID());
        sagas.move(saga, 1, SagaStatus.RUNNING, "RESERVE_STOCK", SagaStatus.RUNNING, "CHARGE_PAYMENT", "{}",
                UUID.randomUUID(), 1, null, Instant.now().plusSeconds(30),
                new SagaRepository.HistoryNote("TRANSITION", UUID.randomUUID(), "StockReserved", "[]", null));

        assertThatThrownBy(() -> sagas.move(saga, 1, SagaStatus.RUNNING, "RESERVE_STOCK", SagaStatus.COMPENSATING,
                "RESERVE_STOCK", "{}", UUID.randomUUID(), 1, "late", Instant.now().plusSeconds(30),
                new SagaRepository.HistoryNote("TRANSITION", UUID.randomUUID(), "StockRejected", "[]", "late")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no longer at version 1");

        assertThat(sagas.find(saga)).get().satisfies(record -> {
            assertThat(record.version()).isEqualTo(2);
            assertThat(record.status()).isEqualTo(SagaStatus.RUNNING);
        });
        assertThat(history(saga)).hasSize(2);
    }

    /**
     * Moves and history rows bind the same parameter types whether a saga goes on waiting (a step, a command, a
     * deadline) or ends (none of them), so the driver keeps one prepared statement for each on a connection and the
     * server plans it once and reuses the plan, instead of preparing and planning it again whenever the nulls
     * change (which cost the orchestrator's consumer a tenth of its database time).
     */
    @Test
    void writesWithAndWithoutNullsShareOnePreparedStatementAndItsPlan() {
        int sagaCount = 8;
        transactions.executeWithoutResult(status -> {
            for (int i = 0; i < sagaCount; i++) {
                UUID saga = UUID.randomUUID();
                start(saga, UUID.randomUUID().toString(), UUID.randomUUID());
                sagas.move(saga, 1, SagaStatus.RUNNING, "RESERVE_STOCK", SagaStatus.RUNNING, "CHARGE_PAYMENT", "{}",
                        UUID.randomUUID(), 1, null, Instant.now().plusSeconds(30),
                        new SagaRepository.HistoryNote("TRANSITION", UUID.randomUUID(), "StockReserved", "[]", null));
                sagas.move(saga, 2, SagaStatus.RUNNING, "CHARGE_PAYMENT", SagaStatus.COMPLETED, null, "{}", null, 1,
                        null, null, new SagaRepository.HistoryNote("TRANSITION", null, null, "[]", "by hand"));
                sagas.appendHistory(saga, "IGNORED", 3, SagaStatus.COMPLETED, SagaStatus.COMPLETED, null, null,
                        UUID.randomUUID(), "PaymentCharged", "[]", null);
                sagas.appendHistory(saga, "DEAD_LETTER", 3, null, SagaStatus.COMPLETED, "CHARGE_PAYMENT", null, null,
                        null, "[]", "poison");
            }
            // every execution after the driver's first four on this connection (unnamed ones; earlier tests may have
            // made them) ran on the one prepared statement
            assertThat(prepared("%UPDATE saga%")).singleElement().satisfies(plans -> {
                assertThat(plans.get("generic_plans") + plans.get("custom_plans"))
                        .isGreaterThanOrEqualTo(2L * sagaCount - 4);
                assertThat(plans.get("generic_plans")).isPositive();
            });
            assertThat(prepared("INSERT INTO saga_history%")).singleElement().satisfies(plans ->
                    assertThat(plans.get("generic_plans") + plans.get("custom_plans"))
                            .isGreaterThanOrEqualTo(2L * sagaCount - 4));
        });
    }

    /** This connection's prepared statements whose text is like {@code pattern}: their generic and custom plans. */
    private List<Map<String, Long>> prepared(String pattern) {
        return jdbc.sql("""
                        SELECT generic_plans, custom_plans FROM pg_prepared_statements
                         WHERE statement LIKE :pattern AND statement NOT LIKE '%pg_prepared_statements%'
                        """)
                .param("pattern", pattern)
                .query((rs, n) -> Map.of("generic_plans", rs.getLong("generic_plans"),
                        "custom_plans", rs.getLong("custom_plans")))
                .list();
    }

    private boolean start(UUID saga, String businessKey, UUID event) {
        return sagas.insertStarted(saga, TYPE, businessKey, SagaStatus.RUNNING, "RESERVE_STOCK", 1, "{}",
                UUID.randomUUID(), null, Instant.now().plusSeconds(30), new SagaRepository.HistoryNote("STARTED",
                        event, "OrderPlaced", "[{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"ReserveStock\"}]",
                        null));
    }

    private List<Map<String, Object>> history(UUID saga) {
        return jdbc.sql("""
                        SELECT kind, version, from_status, to_status, from_step, to_step, message_id, message_type,
                               commands::text AS commands
                          FROM saga_history WHERE saga_id = :saga ORDER BY id
                        """)
                .param("saga", saga).query().listOfRows();
    }
}
