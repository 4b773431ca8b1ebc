package com.sagaworks.inventory.reservation;

import org.junit.jupiter.api.Test;

import static com.sagaworks.inventory.reservation.ReservationStatus.REJECTED;
import static com.sagaworks.inventory.reservation.ReservationStatus.RELEASED;
import static com.sagaworks.inventory.reservation.ReservationStatus.RESERVED;
import static org.assertj.core.api.Assertions.assertThat;

class ReservationStatusTest {

    @Test
    void onlyAReservedReservationCanBeReleased() {
        assertThat(RESERVED.canBecome(RELEASED)).isTrue();
        assertThat(RESERVED.canBecome(REJECTED)).isFalse();
        assertThat(RESERVED.canBecome(RESERVED)).isFalse();
    }

    @Test
    void rejectionsAndReleasesAreFinal() {
        for (ReservationStatus next : ReservationStatus.values()) {
            assertThat(REJECTED.canBecome(next)).as("REJECTED -> %s", next).isFalse();
            assertThat(RELEASED.canBecome(next)).as("RELEASED -> %s", next).isFalse();
        }
    }
}
