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

/**
 * The {@code reservation} and {@code reservation_line} tables, and the stock a reservation takes from and gives
 * back to {@code product}: each of those moves is written by the same statement as the reservation's own change.
 */
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

    // A rejection or a tombstone: a reservation without lines.
    private static final String INSERT = """
            INSERT INTO reservation (saga_id, order_id, status, reason, rejected_skus, total_cents)
            VALUES (:sagaId, :orderId, :status, :reason, :rejectedSkus, :totalCents)
            """;

    // One round trip for a whole reservation: takes every line's units, inserts the reservation and inserts its
    // lines. The caller holds the product rows (ProductRepository.lockAll, in sku order), so this takes no new
    // lock that could deadlock; the guard on available still keeps an unlocked caller from overselling. The
    // counts come back so the caller can check that every line was taken and recorded.
    private static final String RESERVE = """
            WITH taken AS (
                UPDATE product p
                SET available = p.available - l.quantity
                FROM unnest(CAST(:skus AS text[]), CAST(:quantities AS int[])) AS l (sku, quantity)
                WHERE p.sku = l.sku AND p.available >= l.quantity
                RETURNING p.sku
            ), reserved AS (
                INSERT INTO reservation (saga_id, order_id, status, total_cents)
                VALUES (:sagaId, :orderId, 'RESERVED', :totalCents)
                RETURNING saga_id
            ), recorded AS (
                INSERT INTO reservation_line (saga_id, sku, quantity, unit_price_cents)
                SELECT r.saga_id, l.sku, l.quantity, l.unit_price_cents
                FROM reserved r,
                     unnest(CAST(:skus AS text[]), CAST(:quantities AS int[]), CAST(:unitPrices AS bigint[]))
                         AS l (sku, quantity, unit_price_cents)
                RETURNING sku
            )
            SELECT (SELECT count(*) FROM taken) AS taken, (SELECT count(*) FROM recorded) AS recorded
            """;

    // One round trip for a release: RESERVED to RELEASED and, only if that move happened, every line's units
    // back. Nothing locked the product rows yet, and an UPDATE locks in whatever order its plan reads them, so
    // "locked" takes them first in sku order, the order reservations lock them in: the UPDATE only reaches a row
    // that "locked" has handed out, hence already holds. The new stock is computed from "locked", the row's
    // latest version: the UPDATE's own scan reads the statement's snapshot, which may predate the lock wait.
    private static final String RELEASE = """
            WITH released AS (
                UPDATE reservation
                SET status = 'RELEASED'
                WHERE saga_id = :sagaId AND status = 'RESERVED'
                RETURNING saga_id
            ), locked AS (
                SELECT sku, available
                FROM product
                WHERE sku = ANY(CAST(:skus AS text[]))
                ORDER BY sku
                FOR UPDATE
            ), returned AS (
                UPDATE product p
                SET available = locked.available + l.quantity
                FROM released, locked,
                     unnest(CAST(:skus AS text[]), CAST(:quantities AS int[])) AS l (sku, quantity)
                WHERE locked.sku = l.sku AND p.sku = l.sku
                RETURNING p.sku
            )
            SELECT (SELECT count(*) FROM released) AS released, (SELECT count(*) FROM returned) AS returned
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

    /**
     * Takes every line's units from the free stock and records the RESERVED reservation with its lines, all in
     * one statement. The caller holds the lines' product rows and checked that they cover the lines.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void insertReserved(UUID sagaId, UUID orderId, long totalCents, List<ReservationLine> lines) {
        ReserveCounts counts = jdbc.sql(RESERVE)
                .param("sagaId", sagaId)
                .param("orderId", orderId)
                .param("totalCents", totalCents)
                .param("skus", lines.stream().map(ReservationLine::sku).toArray(String[]::new))
                .param("quantities", lines.stream().mapToInt(ReservationLine::quantity).toArray())
                .param("unitPrices", lines.stream().mapToLong(ReservationLine::unitPriceCents).toArray())
                .query((rs, row) -> new ReserveCounts(rs.getInt("taken"), rs.getInt("recorded")))
                .single();
        if (counts.taken() != lines.size()) {
            // the rows are locked and were checked; a line not taken means the locks did not hold
            throw new IllegalStateException("stock changed under the row locks of saga " + sagaId + ": took "
                    + counts.taken() + " of " + lines.size() + " lines");
        }
        if (counts.recorded() != lines.size()) {
            throw new IllegalStateException("reservation of saga " + sagaId + " recorded " + counts.recorded()
                    + " of its " + lines.size() + " lines");
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

    /**
     * RESERVED to RELEASED, giving {@code lines} (what the reservation holds) back to the free stock, in one
     * statement. The caller holds the reservation's row lock ({@link #findForUpdate}) and saw it RESERVED.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void release(UUID sagaId, List<ReservationLine> lines) {
        ReleaseCounts counts = jdbc.sql(RELEASE)
                .param("sagaId", sagaId)
                .param("skus", lines.stream().map(ReservationLine::sku).toArray(String[]::new))
                .param("quantities", lines.stream().mapToInt(ReservationLine::quantity).toArray())
                .query((rs, row) -> new ReleaseCounts(rs.getInt("released"), rs.getInt("returned")))
                .single();
        if (counts.released() != 1) {
            throw new IllegalStateException("reservation of saga " + sagaId + " is no longer RESERVED under its lock");
        }
        if (counts.returned() != lines.size()) {
            // reservation_line references product, so a reserved sku cannot have disappeared
            throw new IllegalStateException("release of saga " + sagaId + " gave back " + counts.returned()
                    + " of its " + lines.size() + " lines: a product is missing");
        }
    }

    /** Rows {@link #RESERVE} changed: products whose stock it took, and reservation lines it inserted. */
    private record ReserveCounts(int taken, int recorded) {
    }

    /** Rows {@link #RELEASE} changed: the reservation it released (0 or 1), and products it gave units back to. */
    private record ReleaseCounts(int released, int returned) {
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
