package com.sagaworks.payment.ledger;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The {@code payment_ledger} table: append-only, at most one CHARGE and one REFUND per saga. */
@Repository
class PaymentLedger {

    /** First key of {@link #LOCK_SAGA}: keeps these locks apart from any other advisory lock in the database. */
    static final int SAGA_LOCK_NAMESPACE = 0x2A7E_0001;

    // Transaction-scoped, released at commit or rollback. Stands in for a saga row this service does not
    // have: without it a ChargePayment and a RefundPayment of one saga could both see an empty ledger, and
    // the refund would not know about the charge.
    private static final String LOCK_SAGA = """
            SELECT pg_advisory_xact_lock(:namespace, :key)
            """;

    private static final String ENTRIES = """
            SELECT id, saga_id, order_id, customer_id, kind, amount_cents, created_at
            FROM payment_ledger
            WHERE saga_id = :sagaId
            ORDER BY id
            """;

    private static final String APPEND = """
            INSERT INTO payment_ledger (saga_id, order_id, customer_id, kind, amount_cents)
            VALUES (:sagaId, :orderId, :customerId, :kind, :amountCents)
            """;

    private static final RowMapper<LedgerEntry> ENTRY = (rs, row) -> new LedgerEntry(
            rs.getLong("id"),
            rs.getObject("saga_id", UUID.class),
            rs.getObject("order_id", UUID.class),
            rs.getString("customer_id"),
            LedgerEntryKind.valueOf(rs.getString("kind")),
            rs.getLong("amount_cents"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant());

    private final JdbcClient jdbc;

    PaymentLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Serializes the work on one saga's payments until the transaction ends. */
    @Transactional(propagation = Propagation.MANDATORY)
    void lockSaga(UUID sagaId) {
        jdbc.sql(LOCK_SAGA)
                .param("namespace", SAGA_LOCK_NAMESPACE)
                .param("key", sagaId.hashCode())
                .query((rs, row) -> Boolean.TRUE)
                .single();
    }

    List<LedgerEntry> entries(UUID sagaId) {
        return jdbc.sql(ENTRIES).param("sagaId", sagaId).query(ENTRY).list();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void append(UUID sagaId, UUID orderId, String customerId, LedgerEntryKind kind, long amountCents) {
        jdbc.sql(APPEND)
                .param("sagaId", sagaId)
                .param("orderId", orderId)
                .param("customerId", customerId)
                .param("kind", kind.name())
                .param("amountCents", amountCents)
                .update();
    }

    /** A zero REFUND: nothing was charged, and the ledger's trigger now refuses a CHARGE for the saga. */
    @Transactional(propagation = Propagation.MANDATORY)
    void appendRefundTombstone(UUID sagaId, UUID orderId, String customerId) {
        append(sagaId, orderId, customerId, LedgerEntryKind.REFUND, 0);
    }
}
