package com.sagaworks.loadgen;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency histogram, in milliseconds.
 *
 * @param count  recorded values
 * @param p50Ms  median
 * @param p90Ms  90th percentile
 * @param p99Ms  99th percentile
 * @param p999Ms 99.9th percentile
 * @param maxMs  largest value
 * @param meanMs arithmetic mean
 */
record LatencySummary(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs,
                      double meanMs) {

    /** Highest latency the histograms track: anything slower than this is an error anyway (the waits end at 30 s). */
    static final long HIGHEST_TRACKABLE_NANOS = 10L * 60 * 1_000_000_000L;

    /** A histogram in nanoseconds with three significant digits: 0.1 % resolution at every magnitude. */
    static Histogram newHistogram() {
        return new Histogram(1_000L, HIGHEST_TRACKABLE_NANOS, 3);
    }

    static LatencySummary of(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(nanos.getTotalCount(),
                millis(nanos.getValueAtPercentile(50)),
                millis(nanos.getValueAtPercentile(90)),
                millis(nanos.getValueAtPercentile(99)),
                millis(nanos.getValueAtPercentile(99.9)),
                millis(nanos.getMaxValue()),
                nanos.getMean() / 1_000_000d);
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000d;
    }
}
