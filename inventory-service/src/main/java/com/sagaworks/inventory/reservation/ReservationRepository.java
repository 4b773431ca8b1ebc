package com.sagaworks.inventory.reservation;

import com.sagaworks.contracts.inventory.StockRejected;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code reservation} and {@code reservation_line} tables. */
@Repository
class ReservationRepository {

    /** First key of {@link #LOCK_SAGA}: keeps these locks apart from any other advisory lock in the database. */
    static final int SAGA_LOCK_NAMESPACE = 0x1A7E_0001;

    // Transaction-scoped, released at commit or rollback. Stands in for the reservation row, which may not
    // exist yet: without it a ReserveStock and a ReleaseStock of one saga could both find no row and both
    // insert one.
    private static final String LOCK_SAGA = """
            SELECT pg_advisory_xact_lock(:namespace, :key)
            """;

    private static final String FIND = """
            SELECT saga_id, order_id, status, reason, rejected_skus, total_cents, created_at, updated_at
            FROM reservation
            WHERE saga_id = :sagaId
            """;

    private static final String FIND_FOR_UPDATE = """
            SELECT saga_id, order_id, status, reason, rejected_skus, total_cents, created_at, updated_at
            FROM reservation
            WHERE saga_id = :sagaId
            FOR UPDATE
            """;

    private static final String LINES = """
            SELECT sku, quantity, unit_price_cents
            FROM reservation_line
            WHERE saga_id = :sagaId
            ORDER BY sku
            """;

    private static final String INSERT = """
            INSERT INTO reservation (saga_id, order_id, status, reason, rejected_skus, total_cents)
            VALUES (:sagaId, :orderId, :status, :reason, :rejectedSkus, :totalCents)
            """;

    private static final String INSERT_LINE = """
            INSERT INTO reservation_line (saga_id, sku, quantity, unit_price_cents)
            VALUES (:sagaId, :sku, :quantity, :unitPriceCents)
            """;

    private static final String RELEASE = """
            UPDATE reservation
            SET status = 'RELEASED'
            WHERE saga_id = :sagaId AND status = 'RESERVED'
            """;

    private static final RowMapper<ReservationLine> LINE = (rs, row) -> new ReservationLine(
            rs.getString("sku"), rs.getInt("quantity"), rs.getLong("unit_price_cents"));

    private final JdbcClient jdbc;

    ReservationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Serializes the work on one saga's reservation until the transaction ends. */
    @Transactional(propagation = Propagation.MANDATORY)
    void lockSaga(UUID sagaId) {
        jdbc.sql(LOCK_SAGA)
                .param("namespace", SAGA_LOCK_NAMESPACE)
                .param("key", sagaId.hashCode())
                .query((rs, row) -> Boolean.TRUE)
                .single();
    }

    Optional<Reservation> find(UUID sagaId) {
        return find(FIND, sagaId);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    Optional<Reservation> findForUpdate(UUID sagaId) {
        return find(FIND_FOR_UPDATE, sagaId);
    }

    private Optional<Reservation> find(String sql, UUID sagaId) {
        return jdbc.sql(sql).param("sagaId", sagaId)
                .query((rs, row) -> reservation(rs))
                .optional()
                .map(r -> r.withLines(lines(sagaId)));
    }

    private List<ReservationLine> lines(UUID sagaId) {
        return jdbc.sql(LINES).param("sagaId", sagaId).query(LINE).list();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void insertReserved(UUID sagaId, UUID orderId, long totalCents, List<ReservationLine> lines) {
        insert(sagaId, orderId, ReservationStatus.RESERVED, null, List.of(), totalCents);
        for (ReservationLine line : lines) {
            jdbc.sql(INSERT_LINE)
                    .param("sagaId", sagaId)
                    .param("sku", line.sku())
                    .param("quantity", line.quantity())
                    .param("unitPriceCents", line.unitPriceCents())
                    .update();
        }
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void insertRejected(UUID sagaId, UUID orderId, StockRejected.Reason reason, List<String> skus) {
        insert(sagaId, orderId, ReservationStatus.REJECTED, reason, skus, 0);
    }

    /** A release that found nothing to release: refuses any later reservation of the saga. */
    @Transactional(propagation = Propagation.MANDATORY)
    void insertTombstone(UUID sagaId, UUID orderId) {
        insert(sagaId, orderId, ReservationStatus.RELEASED, null, List.of(), 0);
    }

    private void insert(UUID sagaId, UUID orderId, ReservationStatus status, StockRejected.Reason reason,
                        List<String> rejectedSkus, long totalCents) {
        jdbc.sql(INSERT)
                .param("sagaId", sagaId)
                .param("orderId", orderId)
                .param("status", status.name())
                .param("reason", reason == null ? null : reason.name())
                .param("rejectedSkus", rejectedSkus.toArray(String[]::new))
                .param("totalCents", totalCents)
                .update();
    }

    /** RESERVED to RELEASED; false when the reservation is not RESERVED (nothing changes then). */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean markReleased(UUID sagaId) {
        return jdbc.sql(RELEASE).param("sagaId", sagaId).update() == 1;
    }

    private static Reservation reservation(ResultSet rs) throws SQLException {
        String reason = rs.getString("reason");
        return new Reservation(
                rs.getObject("saga_id", UUID.class),
                rs.getObject("order_id", UUID.class),
                ReservationStatus.valueOf(rs.getString("status")),
                reason == null ? null : StockRejected.Reason.valueOf(reason),
                strings(rs.getArray("rejected_skus")),
                rs.getLong("total_cents"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                List.of());
    }

    private static List<String> strings(Array array) throws SQLException {
        return Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
