package com.sagaworks.payment.account;

import com.sagaworks.payment.PaymentFixtures;
import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.sagaworks.payment.PaymentFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link AccountRepository#debit} checks and debits in one statement. A debit that has to wait for the account's
 * row lock decides on the balance the other transaction committed, not on the one its statement started with.
 * Called directly, in a transaction of its own, because the consumer would hide a wrong first answer: it runs a
 * failed batch again, and by then the other transaction has committed.
 */
@SpringBootTest
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountDebitIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "payment");
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    AccountRepository accounts;

    @Autowired
    PlatformTransactionManager transactionManager;

    PaymentFixtures fixtures;
    TransactionTemplate transactions;

    @BeforeAll
    void connect() {
        fixtures = new PaymentFixtures(jdbc);
        transactions = new TransactionTemplate(transactionManager);
    }

    @Test
    void debitWaitingForACreditDecidesOnTheCreditedBalance() throws Exception {
        String heidi = fixtures.account("heidi", 400);

        // 800 is more than the 400 the debit's statement starts with, and less than the 1,000 it must decide on
        AccountRepository.Debit debit = debitWhileAnotherTransactionAdds(heidi, 600, 800);

        assertThat(debit).isEqualTo(AccountRepository.Debit.DEBITED);
        assertThat(fixtures.balance(heidi)).isEqualTo(200);
    }

    @Test
    void debitWaitingForAnotherDebitDeclinesWhatNoLongerFits() throws Exception {
        String ivan = fixtures.account("ivan", 1_000);

        AccountRepository.Debit debit = debitWhileAnotherTransactionAdds(ivan, -700, 500);

        assertThat(debit).isEqualTo(AccountRepository.Debit.INSUFFICIENT_FUNDS);
        assertThat(fixtures.balance(ivan)).as("only the other transaction's debit").isEqualTo(300);
    }

    /**
     * Changes the balance by {@code change} in a transaction that stays open until a debit of {@code amountCents},
     * started meanwhile, waits for its row lock; then commits, and returns what the debit did.
     */
    private AccountRepository.Debit debitWhileAnotherTransactionAdds(String customer, long change, long amountCents)
            throws Exception {
        try (Connection other = dataSource.getConnection();
             ExecutorService debitor = Executors.newSingleThreadExecutor()) {
            other.setAutoCommit(false);
            try (PreparedStatement update = other.prepareStatement(
                    "UPDATE account SET balance_cents = balance_cents + ? WHERE customer_id = ?")) {
                update.setLong(1, change);
                update.setString(2, customer);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }

            Future<AccountRepository.Debit> debit = debitor.submit(() ->
                    transactions.execute(status -> accounts.debit(customer, amountCents)));
            await().atMost(TIMEOUT).until(() -> jdbc.sql("""
                            SELECT count(*)
                            FROM pg_stat_activity
                            WHERE datname = current_database() AND wait_event_type = 'Lock'
                              AND query LIKE '%UPDATE account a%'
                            """).query(Integer.class).single() > 0);
            other.commit();
            return debit.get();
        }
    }
}
