package com.sagaworks.orchestrator.engine;

import com.sagaworks.messaging.support.TransactionBinding;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Saga rows and their history. Every update is guarded by the version read under the row lock. */
@Repository
public class SagaRepository {

    /**
     * A new saga and its STARTED history row in one statement: nothing at all if a saga of this type already exists
     * for the business key (the history insert reads the saga insert's RETURNING, which is then empty).
     */
    private static final String INSERT_STARTED = """
            WITH started AS (
                INSERT INTO saga (id, type, business_key, status, current_step, version, data, awaiting_message_id,
                                  failure_reason, deadline_at)
                VALUES (:id, :type, :businessKey, :status, :currentStep, :version, CAST(:data AS jsonb),
                        CAST(:awaiting AS uuid), :failureReason, :deadlineAt)
                ON CONFLICT (type, business_key) DO NOTHING
                RETURNING id, version, status, current_step
            )
            INSERT INTO saga_history (saga_id, kind, version, from_status, to_status, from_step, to_step,
                                      message_id, message_type, commands, reason)
            SELECT id, 'STARTED', version, NULL, status, NULL, current_step, CAST(:messageId AS uuid), :messageType,
                   CAST(:commands AS jsonb), :reason
              FROM started
            """;

    private static final String SELECT_COLUMNS = """
            SELECT id, type, business_key, status, current_step, version, data::text AS data, awaiting_message_id,
                   attempt, failure_reason, deadline_at, created_at, updated_at
            FROM saga
            """;

    private static final String LOCK_BY_ID = SELECT_COLUMNS + " WHERE id = :id FOR UPDATE";

    /** In id order, so two transactions locking overlapping sets wait for each other instead of deadlocking. */
    private static final String LOCK_ALL_BY_ID = SELECT_COLUMNS + " WHERE id = ANY(:ids) ORDER BY id FOR UPDATE";

    private static final String FIND_BY_ID = SELECT_COLUMNS + " WHERE id = :id";

    private static final String LOCK_BY_TYPE_AND_KEY = SELECT_COLUMNS
            + " WHERE type = :type AND business_key = :businessKey FOR UPDATE";

    private static final String FIND_BY_BUSINESS_KEY = SELECT_COLUMNS
            + " WHERE business_key = :businessKey ORDER BY created_at";

    /**
     * The version-guarded move and its history row in one statement (one round trip instead of two): when the
     * guard misses, the update returns no row and no history is written.
     */
    private static final String MOVE = """
            WITH moved AS (
                UPDATE saga
                SET status = :status, current_step = :currentStep, version = :nextVersion,
                    data = CAST(:data AS jsonb), awaiting_message_id = CAST(:awaiting AS uuid), attempt = :attempt,
                    failure_reason = :failureReason, deadline_at = :deadlineAt
                WHERE id = :id AND version = :expectedVersion
                RETURNING id, version, status, current_step
            )
            INSERT INTO saga_history (saga_id, kind, version, from_status, to_status, from_step, to_step,
                                      message_id, message_type, commands, reason)
            SELECT id, :kind, version, :fromStatus, status, :fromStep, current_step, CAST(:messageId AS uuid),
                   :messageType, CAST(:commands AS jsonb), :reason
              FROM moved
            """;

    private static final String LOCK_DUE = """
            SELECT id FROM saga
            WHERE status IN ('RUNNING', 'COMPENSATING') AND deadline_at <= :now
            ORDER BY deadline_at
            LIMIT :limit
            FOR UPDATE SKIP LOCKED
            """;

    private static final String INSERT_HISTORY = """
            INSERT INTO saga_history (saga_id, kind, version, from_status, to_status, from_step, to_step,
                                      message_id, message_type, commands, reason)
            VALUES (:sagaId, :kind, :version, :fromStatus, :toStatus, :fromStep, :toStep, CAST(:messageId AS uuid),
                    :messageType, CAST(:commands AS jsonb), :reason)
            """;

    private static final String HISTORY = """
            SELECT id, kind, version, from_status, to_status, from_step, to_step, message_id, message_type,
                   commands::text AS commands, reason, created_at
            FROM saga_history
            WHERE saga_id = :sagaId
            ORDER BY id
            """;

    private final JdbcClient jdbc;

    public SagaRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What a history row says besides the move itself: why the saga moved ({@code kind}: STARTED, TRANSITION,
     * TIMEOUT), on which message, with which commands (JSON), and a reason where there is one.
     */
    public record HistoryNote(String kind, UUID messageId, String messageType, String commandsJson, String reason) {
    }

    /**
     * Inserts a new saga with its STARTED history row; false, and nothing written, if a saga of this type already
     * exists for the business key.
     */
    public boolean insertStarted(UUID id, String type, String businessKey, SagaStatus status, String currentStep,
                                 int version, String dataJson, UUID awaiting, String failureReason,
                                 Instant deadlineAt, HistoryNote note) {
        return jdbc.sql(INSERT_STARTED)
                .param("id", id)
                .param("type", type)
                .param("businessKey", businessKey)
                .param("status", status.name())
                .param("currentStep", text(currentStep))
                .param("version", version)
                .param("data", dataJson)
                .param("awaiting", uuidText(awaiting))
                .param("failureReason", text(failureReason))
                .param("deadlineAt", nullableTimestamp(deadlineAt))
                .param("messageId", uuidText(note.messageId()))
                .param("messageType", text(note.messageType()))
                .param("commands", note.commandsJson())
                .param("reason", text(note.reason()))
                .update() == 1;
    }

    /**
     * Reads and locks the saga for the rest of the transaction, so its messages are handled one at a time. A saga
     * {@link #lockAll} read in this transaction, and not moved since, is taken from there, once.
     */
    public Optional<SagaRecord> lock(UUID id) {
        SagaRecord readAhead = takeReadAhead(id);
        if (readAhead != null) {
            return Optional.of(readAhead);
        }
        return jdbc.sql(LOCK_BY_ID).param("id", id).query(SagaRepository::mapSaga).optional();
    }

    /**
     * Reads and locks the sagas among {@code ids} in one statement, ahead of the {@link #lock(UUID)} calls that will
     * ask for them in this transaction: the consumer does that for the replies of a batch. Each record is handed out
     * once, and dropped when the saga moves ({@link #move}), so that {@code lock} never returns a stale version.
     * This holds because {@code move} is the only change made to a saga row (deletes are refused), and because
     * the consumer calls this outside any savepoint: a rollback to one would release the locks and keep the reads.
     * Waiting here for the locks of all the batch's sagas at once means a saga locked elsewhere (an operator's
     * action) holds up the whole batch from its start, within the lock timeout, as it would from its turn.
     */
    public void lockAll(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return;
        }
        Map<UUID, SagaRecord> locked = TransactionBinding.current(this);
        if (locked == null) {
            locked = new HashMap<>();
            TransactionBinding.bind(this, locked);
        }
        for (SagaRecord record : jdbc.sql(LOCK_ALL_BY_ID).param("ids", ids.toArray(UUID[]::new))
                .query(SagaRepository::mapSaga).list()) {
            locked.put(record.id(), record);
        }
    }

    public Optional<SagaRecord> lock(String type, String businessKey) {
        return jdbc.sql(LOCK_BY_TYPE_AND_KEY).param("type", type).param("businessKey", businessKey)
                .query(SagaRepository::mapSaga).optional();
    }

    public Optional<SagaRecord> find(UUID id) {
        return jdbc.sql(FIND_BY_ID).param("id", id).query(SagaRepository::mapSaga).optional();
    }

    /**
     * Locks up to {@code limit} sagas whose deadline has passed. SKIP LOCKED lets several orchestrator instances
     * sweep at once without waiting on each other or taking the same saga twice.
     */
    public List<UUID> lockDue(Instant now, int limit) {
        return jdbc.sql(LOCK_DUE).param("now", timestamp(now)).param("limit", limit).query(UUID.class).list();
    }

    public List<SagaRecord> findByBusinessKey(String businessKey) {
        return jdbc.sql(FIND_BY_BUSINESS_KEY).param("businessKey", businessKey).query(SagaRepository::mapSaga).list();
    }

    /** Removes and returns the saga {@link #lockAll} read ahead in this transaction, or null. */
    private SagaRecord takeReadAhead(UUID id) {
        Map<UUID, SagaRecord> readAhead = TransactionBinding.current(this);
        return readAhead == null ? null : readAhead.remove(id);
    }

    /**
     * Moves the saga from {@code expectedVersion} (where it was {@code fromStatus}/{@code fromStep}) to the next
     * version and appends the move's history row; throws if someone else moved it first.
     */
    public void move(UUID id, int expectedVersion, SagaStatus fromStatus, String fromStep, SagaStatus status,
                     String currentStep, String dataJson, UUID awaiting, int attempt, String failureReason,
                     Instant deadlineAt, HistoryNote note) {
        takeReadAhead(id); // the row read ahead is stale once moved
        int rows = jdbc.sql(MOVE)
                .param("id", id)
                .param("expectedVersion", expectedVersion)
                .param("nextVersion", expectedVersion + 1)
                .param("status", status.name())
                .param("currentStep", text(currentStep))
                .param("data", dataJson)
                .param("awaiting", uuidText(awaiting))
                .param("attempt", attempt)
                .param("failureReason", text(failureReason))
                .param("deadlineAt", nullableTimestamp(deadlineAt))
                .param("kind", note.kind())
                .param("fromStatus", fromStatus.name())
                .param("fromStep", text(fromStep))
                .param("messageId", uuidText(note.messageId()))
                .param("messageType", text(note.messageType()))
                .param("commands", note.commandsJson())
                .param("reason", text(note.reason()))
                .update();
        if (rows != 1) {
            throw new IllegalStateException("saga " + id + " is no longer at version " + expectedVersion);
        }
    }

    /** A history row that records no move (an ignored message, a dead letter): the saga stays as it is. */
    public void appendHistory(UUID sagaId, String kind, int version, SagaStatus from, SagaStatus to, String fromStep,
                              String toStep, UUID messageId, String messageType, String commandsJson, String reason) {
        jdbc.sql(INSERT_HISTORY)
                .param("sagaId", sagaId)
                .param("kind", kind)
                .param("version", version)
                .param("fromStatus", text(from == null ? null : from.name()))
                .param("toStatus", to.name())
                .param("fromStep", text(fromStep))
                .param("toStep", text(toStep))
                .param("messageId", uuidText(messageId))
                .param("messageType", text(messageType))
                .param("commands", commandsJson)
                .param("reason", text(reason))
                .update();
    }

    public List<SagaHistoryEntry> history(UUID sagaId) {
        return jdbc.sql(HISTORY).param("sagaId", sagaId).query((rs, n) -> new SagaHistoryEntry(
                rs.getLong("id"),
                rs.getString("kind"),
                rs.getInt("version"),
                status(rs.getString("from_status")),
                status(rs.getString("to_status")),
                rs.getString("from_step"),
                rs.getString("to_step"),
                rs.getObject("message_id", UUID.class),
                rs.getString("message_type"),
                rs.getString("commands"),
                rs.getString("reason"),
                instant(rs, "created_at"))).list();
    }

    /** Maps a row with the columns of {@code saga} (data as text); shared with the admin queries. */
    public static SagaRecord mapSaga(ResultSet rs, int row) throws SQLException {
        return new SagaRecord(
                rs.getObject("id", UUID.class),
                rs.getString("type"),
                rs.getString("business_key"),
                SagaStatus.valueOf(rs.getString("status")),
                rs.getString("current_step"),
                rs.getInt("version"),
                rs.getString("data"),
                rs.getObject("awaiting_message_id", UUID.class),
                rs.getInt("attempt"),
                rs.getString("failure_reason"),
                instant(rs, "deadline_at"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static SagaStatus status(String value) {
        return value == null ? null : SagaStatus.valueOf(value);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    // A parameter that may be null carries its type when it is null too, so that the driver binds the same
    // parameter types at every execution. PgJDBC prepares a statement again, under a new name, whenever the types
    // differ from its last execution (an untyped null does), and the server then plans the new statement from
    // scratch: a move alternating between waiting sagas (a step, a command, a deadline) and ended ones (none) was
    // prepared again every few executions and never reached a reused plan. Ids that may be null go as text and are
    // cast in the SQL, because the driver binds a UUID as uuid but a typed null of it as unspecified.

    private static SqlParameterValue text(String value) {
        return new SqlParameterValue(Types.VARCHAR, value);
    }

    private static SqlParameterValue uuidText(UUID value) {
        return new SqlParameterValue(Types.VARCHAR, value == null ? null : value.toString());
    }

    /** Bound as unspecified whether null or not, so the server infers timestamptz from the column. */
    private static SqlParameterValue nullableTimestamp(Instant value) {
        return new SqlParameterValue(Types.TIMESTAMP, timestamp(value));
    }
}
