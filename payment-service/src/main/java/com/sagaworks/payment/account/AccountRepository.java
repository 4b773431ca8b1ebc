package com.sagaworks.payment.account;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.util.Optional;

/** The {@code account} table: balances, and the locked debits and credits of payments. */
@Repository
public class AccountRepository {

    private static final String FIND = """
            SELECT customer_id, balance_cents
            FROM account
            WHERE customer_id = :customerId
            """;

    // The balance check and the debit in one round trip. "locked" waits for the row and reads its latest
    // version; the UPDATE debits only if that version covers the amount, and computes the new balance from it
    // too, because the UPDATE's own scan reads the statement's snapshot, which may predate the lock wait (a
    // balance from there could fail the CHECK before PostgreSQL re-reads the row). A decline writes nothing but
    // keeps the row locked until the transaction ends. No row back: the customer has no account.
    private static final String DEBIT = """
            WITH locked AS (
                SELECT customer_id, balance_cents
                FROM account
                WHERE customer_id = :customerId
                FOR UPDATE
            ), debited AS (
                UPDATE account a
                SET balance_cents = locked.balance_cents - :amountCents
                FROM locked
                WHERE a.customer_id = locked.customer_id AND locked.balance_cents >= :amountCents
                RETURNING a.customer_id
            )
            SELECT locked.balance_cents, (SELECT count(*) FROM debited) AS debited
            FROM locked
            """;

    private static final String CREDIT = """
            UPDATE account
            SET balance_cents = balance_cents + :amountCents
            WHERE customer_id = :customerId
            """;

    private static final RowMapper<Account> ACCOUNT = (rs, row) ->
            new Account(rs.getString("customer_id"), rs.getLong("balance_cents"));

    private final JdbcClient jdbc;

    AccountRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Account> find(String customerId) {
        return jdbc.sql(FIND).param("customerId", customerId).query(ACCOUNT).optional();
    }

    /**
     * Takes {@code amountCents} from the account if its balance covers them; otherwise nothing changes. Either
     * way the account stays locked until the transaction ends.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Debit debit(String customerId, long amountCents) {
        Optional<DebitRow> row = jdbc.sql(DEBIT)
                .param("customerId", customerId)
                .param("amountCents", amountCents)
                .query((rs, n) -> new DebitRow(rs.getLong("balance_cents"), rs.getInt("debited")))
                .optional();
        if (row.isEmpty()) {
            return Debit.NO_ACCOUNT;
        }
        boolean covered = row.get().balanceCents() >= amountCents;
        if (covered && row.get().debited() == 1) {
            return Debit.DEBITED;
        }
        if (!covered && row.get().debited() == 0) {
            return Debit.INSUFFICIENT_FUNDS;
        }
        // the UPDATE's guard is the very comparison made here, on the same locked row
        throw new IllegalStateException("debit of " + amountCents + " cents from " + customerId + " changed "
                + row.get().debited() + " rows for a locked balance of " + row.get().balanceCents());
    }

    /** Puts {@code amountCents} back on the account. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void credit(String customerId, long amountCents) {
        int rows = jdbc.sql(CREDIT).param("customerId", customerId).param("amountCents", amountCents).update();
        if (rows != 1) {
            // a refund only credits an account that was charged, and accounts are never deleted
            throw new IllegalStateException("cannot credit " + amountCents + " cents: no account " + customerId);
        }
    }

    /** What {@link #debit} did. */
    public enum Debit {

        /** The amount was taken from the account. */
        DEBITED,
        /** The balance does not cover the amount; nothing changed. */
        INSUFFICIENT_FUNDS,
        /** The customer has no account; nothing changed. */
        NO_ACCOUNT
    }

    /** The row {@link #DEBIT} answers: the locked balance before the debit, and the rows it debited (0 or 1). */
    private record DebitRow(long balanceCents, int debited) {
    }
}
