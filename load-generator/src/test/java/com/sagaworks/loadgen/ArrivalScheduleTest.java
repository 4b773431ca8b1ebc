package com.sagaworks.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {

    @Test
    void spacesOrdersEvenlyFromTheStartWithoutDrift() {
        ArrivalSchedule schedule = ArrivalSchedule.of(1_000, 300, 10);

        assertThat(schedule.count()).isEqualTo(3_000);
        assertThat(schedule.dueNanos(0)).isEqualTo(1_000);
        assertThat(schedule.dueNanos(3)).isEqualTo(1_000 + 10_000_000);
        // computed from the start, not accumulated: the last order is due exactly where rate and index put it
        assertThat(schedule.dueNanos(2_999)).isEqualTo(1_000 + Math.round(2_999 * 1e9 / 300));
    }

    @Test
    void countsTheOrdersDueByAnInstantAndNeverMoreThanTheRunHas() {
        ArrivalSchedule schedule = ArrivalSchedule.of(0, 100, 1);

        assertThat(schedule.dueBy(-1)).isZero();
        assertThat(schedule.dueBy(0)).isEqualTo(1);
        assertThat(schedule.dueBy(9_999_999)).isEqualTo(1);
        assertThat(schedule.dueBy(10_000_000)).isEqualTo(2);
        assertThat(schedule.dueBy(60_000_000_000L)).isEqualTo(100);
    }

    @Test
    void refusesARateThatIsNotPositive() {
        assertThatThrownBy(() -> ArrivalSchedule.of(0, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
