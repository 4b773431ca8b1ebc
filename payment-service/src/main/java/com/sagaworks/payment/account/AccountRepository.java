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

    private static final String LOCK = """
            SELECT customer_id, balance_cents
            FROM account
            WHERE customer_id = :customerId
            FOR UPDATE
            """;

    private static final String DEBIT = """
            UPDATE account
            SET balance_cents = balance_cents - :amountCents
            WHERE customer_id = :customerId AND balance_cents >= :amountCents
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

    /** The account, locked until the transaction ends; empty when the customer has none. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<Account> lock(String customerId) {
        return jdbc.sql(LOCK).param("customerId", customerId).query(ACCOUNT).optional();
    }

    /**
     * Takes {@code amountCents} from the account; false when the balance does not cover it (nothing changes
     * then). The guard in the statement keeps this safe even for a caller that did not lock the row first.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean debit(String customerId, long amountCents) {
        return jdbc.sql(DEBIT).param("customerId", customerId).param("amountCents", amountCents).update() == 1;
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
}
