package com.sagaworks.inventory.reservation;

import com.sagaworks.testing.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The database and {@link ReservationStatus} agree on every (from, to) move, and reservations keep what they held. */
@SpringBootTest
@DirtiesContext
class ReservationStatusTransitionsIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, "inventory");
    }

    @Autowired
    JdbcClient jdbc;

    @Test
    void databaseAllowsExactlyTheMovesOfReservationStatus() {
        for (ReservationStatus from : ReservationStatus.values()) {
            Set<ReservationStatus> allowedByDatabase = EnumSet.noneOf(ReservationStatus.class);
            Set<ReservationStatus> allowedByCode = EnumSet.noneOf(ReservationStatus.class);
            for (ReservationStatus to : ReservationStatus.values()) {
                UUID saga = insert(from);
                if (tryUpdate(saga, to)) {
                    allowedByDatabase.add(to);
                }
                if (from.canBecome(to)) {
                    allowedByCode.add(to);
                }
            }
            assertThat(allowedByDatabase).as("moves from %s", from).isEqualTo(allowedByCode);
        }
    }

    @Test
    void releasingCannotRewriteWhatTheReservationHeld() {
        UUID saga = insert(ReservationStatus.RESERVED);

        assertThatThrownBy(() -> jdbc.sql(
                        "UPDATE reservation SET status = 'RELEASED', total_cents = 0 WHERE saga_id = :saga")
                .param("saga", saga).update())
                .isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("only the status");
    }

    private UUID insert(ReservationStatus status) {
        UUID saga = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO reservation (saga_id, order_id, status, reason, total_cents)
                        VALUES (:saga, :order, :status, :reason, 100)
                        """)
                .param("saga", saga)
                .param("order", UUID.randomUUID())
                .param("status", status.name())
                .param("reason", status == ReservationStatus.REJECTED ? "OUT_OF_STOCK" : null)
                .update();
        return saga;
    }

    /** The trigger runs before the row's CHECKs, so a refused move is refused by the transition rule. */
    private boolean tryUpdate(UUID saga, ReservationStatus to) {
        try {
            return jdbc.sql("UPDATE reservation SET status = :to WHERE saga_id = :saga")
                    .param("to", to.name()).param("saga", saga).update() == 1;
        } catch (DataIntegrityViolationException refused) {
            assertThat(refused).hasMessageContaining("illegal reservation transition");
            return false;
        }
    }
}
