package com.sagaworks.orchestrator.admin;

import com.sagaworks.orchestrator.engine.SagaRecord;
import com.sagaworks.orchestrator.engine.SagaRepository;
import com.sagaworks.orchestrator.engine.SagaStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Read-only queries of the admin view. Every list is bounded and served by an index from V2__admin.sql. */
@Repository
class AdminQueries {

    private static final String COLUMNS = """
            SELECT id, type, business_key, status, current_step, version, data::text AS data, awaiting_message_id,
                   attempt, failure_reason, deadline_at, created_at, updated_at
            FROM saga
            """;

    private static final String COUNT_BY_STATUS = "SELECT status, count(*) AS n FROM saga GROUP BY status";

    private static final String STARTED_PER_MINUTE = """
            SELECT date_trunc('minute', created_at) AS minute, count(*) AS n
            FROM saga WHERE created_at >= :since
            GROUP BY 1 ORDER BY 1
            """;

    private static final String OLDEST_WAITING = COLUMNS + """
            WHERE status IN ('RUNNING', 'COMPENSATING') ORDER BY created_at LIMIT 1
            """;

    /** FAILED first, then the longest unmoved; a re-sent command (attempt > 1) means a participant is late. */
    private static final String NEEDS_ATTENTION = COLUMNS + """
            WHERE status IN ('RUNNING', 'COMPENSATING', 'FAILED')
              AND (status = 'FAILED' OR attempt > 1 OR updated_at < :stuckBefore OR deadline_at < :now)
            ORDER BY (status = 'FAILED') DESC, updated_at
            LIMIT :limit
            """;

    // Search filters: constant fragments, so every combination is still plain SQL with named parameters.
    private static final String BY_ID = "id = :sagaId";
    private static final String BY_ORDER = "business_key = :businessKey";
    private static final String BY_CUSTOMER = "data ->> 'customerId' = :customer";
    private static final String BY_STATUS = "status = :status";
    private static final String BY_STEP = "current_step = :step";
    private static final String WAITING_SINCE = "status IN ('RUNNING', 'COMPENSATING') AND updated_at < :waitingSince";
    private static final String AFTER_CURSOR = "(created_at, id) < (:afterCreated, :afterId)";
    private static final String PAGE_ORDER = " ORDER BY created_at DESC, id DESC LIMIT :limit";

    private static final String OUTBOX_ENTRY = """
            SELECT o.type, o.topic, o.created_at,
                   (SELECT count(*) FROM messaging_outbox b WHERE b.seq < o.seq) AS ahead
            FROM messaging_outbox o WHERE o.id = :id
            """;

    private static final String COMMAND_TYPE = """
            SELECT c ->> 'type' FROM saga_history h, jsonb_array_elements(h.commands) c
            WHERE h.saga_id = :sagaId AND c ->> 'id' = :commandId
            ORDER BY h.id DESC LIMIT 1
            """;

    private static final String DEAD_LETTERS = """
            SELECT message_id, message_type, reason, created_at FROM saga_history
            WHERE saga_id = :sagaId AND kind = 'DEAD_LETTER' ORDER BY id DESC
            """;

    private static final String AUDIT = """
            SELECT id, actor, action, reason, seen_version, outcome, detail, commands::text AS commands, created_at
            FROM saga_operator_action WHERE saga_id = :sagaId ORDER BY id
            """;

    private static final String INSERT_AUDIT = """
            INSERT INTO saga_operator_action (saga_id, actor, action, reason, seen_version, outcome, detail, commands)
            VALUES (:sagaId, :actor, :action, :reason, :seenVersion, :outcome, :detail, CAST(:commands AS jsonb))
            """;

    private final JdbcClient jdbc;

    AdminQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Map<SagaStatus, Long> countByStatus() {
        Map<SagaStatus, Long> counts = new EnumMap<>(SagaStatus.class);
        for (SagaStatus s : SagaStatus.values()) {
            counts.put(s, 0L);
        }
        jdbc.sql(COUNT_BY_STATUS).query((rs, n) -> counts.put(SagaStatus.valueOf(rs.getString("status")),
                rs.getLong("n"))).list();
        return counts;
    }

    /** Sagas started per minute since {@code since}, minutes without any included as 0. */
    Map<Instant, Long> startedPerMinute(Instant since, Instant now) {
        Map<Instant, Long> perMinute = new LinkedHashMap<>();
        Instant first = since.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        for (Instant m = first; !m.isAfter(now); m = m.plusSeconds(60)) {
            perMinute.put(m, 0L);
        }
        jdbc.sql(STARTED_PER_MINUTE).param("since", Timestamp.from(first))
                .query((rs, n) -> perMinute.put(rs.getTimestamp("minute").toInstant(), rs.getLong("n"))).list();
        return perMinute;
    }

    Optional<SagaRecord> oldestWaiting() {
        return jdbc.sql(OLDEST_WAITING).query(SagaRepository::mapSaga).optional();
    }

    List<SagaRecord> needsAttention(Instant now, Instant stuckBefore, int limit) {
        return jdbc.sql(NEEDS_ATTENTION).param("now", Timestamp.from(now))
                .param("stuckBefore", Timestamp.from(stuckBefore)).param("limit", limit)
                .query(SagaRepository::mapSaga).list();
    }

    /** One page, newest first; asks for one row more than {@code limit} so the caller knows if a next page exists. */
    List<SagaRecord> search(SagaFilter filter, Instant now, int limit) {
        List<String> where = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        if (filter.sagaId() != null) {
            where.add(BY_ID);
            params.put("sagaId", filter.sagaId());
        }
        if (filter.orderId() != null) {
            where.add(BY_ORDER);
            params.put("businessKey", filter.orderId());
        }
        if (filter.customer() != null) {
            where.add(BY_CUSTOMER);
            params.put("customer", filter.customer());
        }
        if (filter.status() != null) {
            where.add(BY_STATUS);
            params.put("status", filter.status().name());
        }
        if (filter.step() != null) {
            where.add(BY_STEP);
            params.put("step", filter.step());
        }
        if (filter.waitingMinutes() != null) {
            where.add(WAITING_SINCE);
            params.put("waitingSince", Timestamp.from(now.minusSeconds(60L * filter.waitingMinutes())));
        }
        if (filter.after() != null) {
            where.add(AFTER_CURSOR);
            params.put("afterCreated", Timestamp.from(filter.after().createdAt()));
            params.put("afterId", filter.after().id());
        }
        params.put("limit", limit + 1);
        String sql = COLUMNS + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + PAGE_ORDER;
        return jdbc.sql(sql).params(params).query(SagaRepository::mapSaga).list();
    }

    Optional<OutboxEntry> outboxEntry(UUID messageId) {
        return jdbc.sql(OUTBOX_ENTRY).param("id", messageId).query((rs, n) -> new OutboxEntry(rs.getString("type"),
                rs.getString("topic"), rs.getTimestamp("created_at").toInstant(), rs.getLong("ahead"))).optional();
    }

    /** The type of a command the saga sent, from the timeline row that sent it. */
    Optional<String> commandType(UUID sagaId, UUID commandId) {
        return jdbc.sql(COMMAND_TYPE).param("sagaId", sagaId).param("commandId", commandId.toString())
                .query(String.class).optional();
    }

    List<DeadLetterEntry> deadLetters(UUID sagaId) {
        return jdbc.sql(DEAD_LETTERS).param("sagaId", sagaId).query((rs, n) -> new DeadLetterEntry(
                rs.getObject("message_id", UUID.class), rs.getString("message_type"), rs.getString("reason"),
                rs.getTimestamp("created_at").toInstant())).list();
    }

    List<AuditEntry> audit(UUID sagaId) {
        return jdbc.sql(AUDIT).param("sagaId", sagaId).query((rs, n) -> new AuditEntry(rs.getLong("id"),
                rs.getString("actor"), rs.getString("action"), rs.getString("reason"), rs.getInt("seen_version"),
                rs.getString("outcome"), rs.getString("detail"), rs.getString("commands"),
                rs.getTimestamp("created_at").toInstant())).list();
    }

    void insertAudit(UUID sagaId, String actor, String action, String reason, int seenVersion, boolean applied,
                     String detail, String commandsJson) {
        jdbc.sql(INSERT_AUDIT)
                .param("sagaId", sagaId)
                .param("actor", actor)
                .param("action", action)
                .param("reason", reason)
                .param("seenVersion", seenVersion)
                .param("outcome", applied ? "APPLIED" : "REFUSED")
                .param("detail", detail)
                .param("commands", commandsJson)
                .update();
    }

    /** A command still waiting for the relay, and how many outbox rows are ahead of it. */
    record OutboxEntry(String type, String topic, Instant queuedAt, long ahead) {
    }

    /** A message of the saga that some service refused as poison. */
    record DeadLetterEntry(UUID messageId, String messageType, String reason, Instant at) {
    }

    /** One operator action, applied or refused. */
    record AuditEntry(long id, String actor, String action, String reason, int seenVersion, String outcome,
                      String detail, String commands, Instant at) {
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
