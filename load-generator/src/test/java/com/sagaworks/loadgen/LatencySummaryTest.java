package com.sagaworks.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    @Test
    void reportsPercentilesInMillisecondsWithinTheHistogramsPrecision() {
        Histogram histogram = LatencySummary.newHistogram();
        for (int millis = 1; millis <= 1_000; millis++) {
            histogram.recordValue(millis * 1_000_000L);
        }

        LatencySummary summary = LatencySummary.of(histogram);

        assertThat(summary.count()).isEqualTo(1_000);
        // three significant digits: each figure within 0.1 % of the exact one
        assertThat(summary.p50Ms()).isCloseTo(500, within(0.5));
        assertThat(summary.p90Ms()).isCloseTo(900, within(0.9));
        assertThat(summary.p99Ms()).isCloseTo(990, within(1.0));
        assertThat(summary.p999Ms()).isCloseTo(999, within(1.0));
        assertThat(summary.maxMs()).isCloseTo(1_000, within(1.0));
    }

    @Test
    void keepsTheSlowOutlierThatAnAverageWouldHide() {
        Histogram histogram = LatencySummary.newHistogram();
        for (int i = 0; i < 999; i++) {
            histogram.recordValue(20_000_000L);
        }
        histogram.recordValue(5_000_000_000L);

        LatencySummary summary = LatencySummary.of(histogram);

        assertThat(summary.p99Ms()).isCloseTo(20, within(0.05));
        assertThat(summary.maxMs()).isCloseTo(5_000, within(5.0));
    }

    @Test
    void reportsZerosForAnEmptyRunInsteadOfFailing() {
        assertThat(LatencySummary.of(LatencySummary.newHistogram()).count()).isZero();
    }
}
