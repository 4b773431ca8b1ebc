package com.sagaworks.payment.ledger;

import com.sagaworks.contracts.payment.PaymentDeclined;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code provider_attempt} table. Every change of an attempt after its insert is guarded by its status and
 * by {@code attempts}, the token of the claim that made the call: an outcome from a worker whose claim was
 * taken over (it outlived its lease) changes nothing.
 */
@Repository
class ProviderAttempts {

    /** A claimed attempt, and whether a refund of its saga waits for it (then a charge is never sent again). */
    record Claimed(ProviderAttempt attempt, boolean refundWaiting) {
    }

    private static final String LOCK = """
            SELECT saga_id, kind, idempotency_key, order_id, customer_id, amount_cents, status, decline_reason,
                   decline_detail, attempts, last_error, next_try_at, created_at, updated_at
            FROM provider_attempt
            WHERE saga_id = :sagaId AND kind = :kind
            FOR UPDATE
            """;

    private static final String OF_SAGA = """
            SELECT saga_id, kind, idempotency_key, order_id, customer_id, amount_cents, status, decline_reason,
                   decline_detail, attempts, last_error, next_try_at, created_at, updated_at
            FROM provider_attempt
            WHERE saga_id = :sagaId
            ORDER BY created_at, kind
            """;

    private static final String INSERT = """
            INSERT INTO provider_attempt (saga_id, kind, idempotency_key, order_id, customer_id, amount_cents,
                                          next_try_at)
            VALUES (:sagaId, :kind, :key, :orderId, :customerId, :amountCents, now())
            """;

    // Claim and commit before any call: the lease keeps other workers and the recovery poll away while this one
    // calls, and takes the attempt back for them if this worker dies. SKIP LOCKED lets instances claim side by
    // side, and never makes a claim wait for a consumer transaction that holds an attempt.
    private static final String CLAIM_DUE = """
            WITH due AS (
                SELECT saga_id, kind
                FROM provider_attempt
                WHERE status = 'PENDING' AND next_try_at <= now()
                ORDER BY next_try_at
                LIMIT :limit
                FOR UPDATE SKIP LOCKED
            )
            UPDATE provider_attempt a
            SET attempts = a.attempts + 1,
                next_try_at = now() + :leaseMillis * interval '1 millisecond',
                updated_at = now()
            FROM due
            WHERE a.saga_id = due.saga_id AND a.kind = due.kind
            RETURNING a.saga_id, a.kind, a.idempotency_key, a.order_id, a.customer_id, a.amount_cents, a.status,
                      a.decline_reason, a.decline_detail, a.attempts, a.last_error, a.next_try_at, a.created_at,
                      a.updated_at,
                      EXISTS (SELECT 1 FROM pending_reply r
                              WHERE r.saga_id = a.saga_id AND r.kind = 'REFUND') AS refund_waiting
            """;

    // Served by the partial index on next_try_at: one index probe, also when nothing is pending.
    private static final String UNTIL_NEXT_DUE = """
            SELECT (extract(epoch FROM next_try_at - now()) * 1000)::bigint
            FROM provider_attempt
            WHERE status = 'PENDING' AND next_try_at IS NOT NULL
            ORDER BY next_try_at
            LIMIT 1
            """;

    private static final String SUCCEEDED = """
            UPDATE provider_attempt
            SET status = 'SUCCEEDED', next_try_at = NULL, updated_at = now()
            WHERE saga_id = :sagaId AND kind = :kind AND status = 'PENDING' AND attempts = :attempts
            """;

    private static final String DECLINED = """
            UPDATE provider_attempt
            SET status = 'DECLINED', decline_reason = :reason, decline_detail = :detail, next_try_at = NULL,
                updated_at = now()
            WHERE saga_id = :sagaId AND kind = :kind AND status = 'PENDING' AND attempts = :attempts
            """;

    private static final String RETRY_LATER = """
            UPDATE provider_attempt
            SET last_error = :error, next_try_at = now() + :backoffMillis * interval '1 millisecond',
                updated_at = now()
            WHERE saga_id = :sagaId AND kind = :kind AND status = 'PENDING' AND attempts = :attempts
            """;

    private static final String PARK = """
            UPDATE provider_attempt
            SET last_error = :error, next_try_at = NULL, updated_at = now()
            WHERE saga_id = :sagaId AND kind = :kind AND status = 'PENDING' AND attempts = :attempts
            """;

    private static final RowMapper<ProviderAttempt> ATTEMPT = (rs, row) -> attempt(rs);

    private final JdbcClient jdbc;

    ProviderAttempts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The saga's attempt of this kind, locked until the transaction ends; empty when there is none. */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<ProviderAttempt> lock(UUID sagaId, LedgerEntryKind kind) {
        return jdbc.sql(LOCK).param("sagaId", sagaId).param("kind", kind.name()).query(ATTEMPT).optional();
    }

    /** The saga's attempts, oldest first, for support and tests. */
    List<ProviderAttempt> ofSaga(UUID sagaId) {
        return jdbc.sql(OF_SAGA).param("sagaId", sagaId).query(ATTEMPT).list();
    }

    /** A new PENDING attempt, due at once; the primary key refuses a second one of the saga and kind. */
    @Transactional(propagation = Propagation.MANDATORY)
    void insert(UUID sagaId, LedgerEntryKind kind, UUID orderId, String customerId, long amountCents) {
        jdbc.sql(INSERT)
                .param("sagaId", sagaId)
                .param("kind", kind.name())
                .param("key", ProviderAttempt.keyOf(sagaId, kind).value())
                .param("orderId", orderId)
                .param("customerId", customerId)
                .param("amountCents", amountCents)
                .update();
    }

    /**
     * Claims up to {@code limit} due attempts for {@code lease}: counts the round in {@code attempts} and moves
     * {@code next_try_at} to the end of the lease. Commit before calling the provider.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    List<Claimed> claimDue(int limit, Duration lease) {
        return jdbc.sql(CLAIM_DUE)
                .param("limit", limit)
                .param("leaseMillis", lease.toMillis())
                .query((rs, row) -> new Claimed(attempt(rs), rs.getBoolean("refund_waiting")))
                .list();
    }

    /**
     * How long until the earliest pending attempt is due (negative when one is due already, or a claim lease
     * runs out); empty when none is pending or parked ones are all there is.
     */
    Optional<Duration> untilNextDue() {
        return jdbc.sql(UNTIL_NEXT_DUE).query(Long.class).optional().map(Duration::ofMillis);
    }

    /** False when the claim is no longer this one's (nothing changes then). */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean markSucceeded(ProviderAttempt claimed) {
        return guarded(jdbc.sql(SUCCEEDED), claimed).update() == 1;
    }

    /** False when the claim is no longer this one's (nothing changes then). */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean markDeclined(ProviderAttempt claimed, PaymentDeclined.Reason reason, String detail) {
        return guarded(jdbc.sql(DECLINED), claimed)
                .param("reason", reason.name())
                .param("detail", detail)
                .update() == 1;
    }

    /** Keeps it PENDING, due again after {@code backoff}; false when the claim is no longer this one's. */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean retryLater(ProviderAttempt claimed, String error, Duration backoff) {
        return guarded(jdbc.sql(RETRY_LATER), claimed)
                .param("error", error)
                .param("backoffMillis", backoff.toMillis())
                .update() == 1;
    }

    /** Keeps it PENDING but never due: only support re-arms it. False when the claim is no longer this one's. */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean park(ProviderAttempt claimed, String error) {
        return guarded(jdbc.sql(PARK), claimed).param("error", error).update() == 1;
    }

    private static JdbcClient.StatementSpec guarded(JdbcClient.StatementSpec statement, ProviderAttempt claimed) {
        return statement
                .param("sagaId", claimed.sagaId())
                .param("kind", claimed.kind().name())
                .param("attempts", claimed.attempts());
    }

    private static ProviderAttempt attempt(ResultSet rs) throws SQLException {
        String declineReason = rs.getString("decline_reason");
        return new ProviderAttempt(
                rs.getObject("saga_id", UUID.class),
                LedgerEntryKind.valueOf(rs.getString("kind")),
                rs.getString("idempotency_key"),
                rs.getObject("order_id", UUID.class),
                rs.getString("customer_id"),
                rs.getLong("amount_cents"),
                ProviderAttemptStatus.valueOf(rs.getString("status")),
                declineReason == null ? null : PaymentDeclined.Reason.valueOf(declineReason),
                rs.getString("decline_detail"),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                instant(rs, "next_try_at"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
