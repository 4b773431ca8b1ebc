package com.sagaworks.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SustainedTest {

    @Test
    void acceptsAStepWhoseOrdersInFlightLevelOff() {
        Sustained.Verdict verdict = Sustained.judge(0, 0, List.of(30L, 31L, 29L, 32L, 30L, 31L), 12, 100);

        assertThat(verdict.sustained()).isTrue();
    }

    @Test
    void rejectsAStepWhoseOrdersInFlightKeepGrowing() {
        Sustained.Verdict verdict = Sustained.judge(0, 0, List.of(30L, 60L, 90L, 120L, 150L, 180L), 12, 100);

        assertThat(verdict.sustained()).isFalse();
        assertThat(verdict.reason()).contains("grew");
    }

    @Test
    void acceptsManyOrdersInFlightWhenTheirNumberDoesNotGrow() {
        assertThat(Sustained.judge(0, 0, List.of(300L, 310L, 305L, 300L, 310L), 0, 100).sustained()).isTrue();
    }

    @Test
    void rejectsAStepWithFailedOrdersOrAGrowingOutbox() {
        assertThat(Sustained.judge(1, 0, List.of(1L, 1L, 1L, 1L), 0, 100).sustained()).isFalse();
        assertThat(Sustained.judge(0, 0, List.of(1L, 1L, 1L, 1L), 500, 100).sustained()).isFalse();
    }

    @Test
    void rejectsAStepInWhichPlacementsWereRefusedEvenIfTheirRetriesSucceeded() {
        Sustained.Verdict verdict = Sustained.judge(0, 3, List.of(1L, 1L, 1L, 1L), 0, 100);

        assertThat(verdict.sustained()).isFalse();
        assertThat(verdict.reason()).contains("503");
    }
}
