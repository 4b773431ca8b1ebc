package com.sagaworks.payment.ledger;

import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the database itself refuses, whatever the service's code does. */
@SpringBootTest
@DirtiesContext
class PaymentLedgerConstraintsIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "payment");
    }

    @Autowired
    JdbcClient jdbc;

    @Test
    void ledgerRowsCannotBeChangedOrDeleted() {
        UUID saga = UUID.randomUUID();
        append(saga, "CHARGE", 100);

        assertThatThrownBy(() -> jdbc.sql("UPDATE payment_ledger SET amount_cents = 0 WHERE saga_id = :saga")
                .param("saga", saga).update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM payment_ledger WHERE saga_id = :saga")
                .param("saga", saga).update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("TRUNCATE payment_ledger").update())
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("append-only");
    }

    @Test
    void aSagaIsNeverChargedTwice() {
        UUID saga = UUID.randomUUID();
        append(saga, "CHARGE", 100);

        assertThatThrownBy(() -> append(saga, "CHARGE", 100)).isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void aRefundedSagaIsNeverCharged() {
        UUID saga = UUID.randomUUID();
        append(saga, "REFUND", 0);

        assertThatThrownBy(() -> append(saga, "CHARGE", 100))
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("was refunded");
    }

    @Test
    void aRefundGivesBackExactlyWhatWasCharged() {
        UUID charged = UUID.randomUUID();
        append(charged, "CHARGE", 100);
        UUID neverCharged = UUID.randomUUID();

        assertThatThrownBy(() -> append(charged, "REFUND", 150))
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("must be 100 cents");
        assertThatThrownBy(() -> append(neverCharged, "REFUND", 1))
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("must be 0 cents");
        assertThatCode(() -> append(charged, "REFUND", 100)).doesNotThrowAnyException();
    }

    @Test
    void anAccountCannotGoBelowZero() {
        jdbc.sql("INSERT INTO account (customer_id, balance_cents) VALUES ('floor', 10)").update();

        assertThatThrownBy(() -> jdbc.sql(
                        "UPDATE account SET balance_cents = balance_cents - 11 WHERE customer_id = 'floor'").update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    private void append(UUID saga, String kind, long amountCents) {
        jdbc.sql("""
                        INSERT INTO payment_ledger (saga_id, order_id, customer_id, kind, amount_cents)
                        VALUES (:saga, :order, 'someone', :kind, :amount)
                        """)
                .param("saga", saga)
                .param("order", UUID.randomUUID())
                .param("kind", kind)
                .param("amount", amountCents)
                .update();
    }
}
