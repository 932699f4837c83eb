package social.nova.harness.latency;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of a set of latencies, in milliseconds, from every recorded sample (an HdrHistogram
 * of microseconds at three significant digits, so a percentile is exact to 0.1 %). An empty set has
 * every figure 0.
 */
public record LatencySummary(long count, double p50, double p95, double p99, double max, double mean) {
    private static final double MICROS_PER_MILLI = 1e3;

    /** The summary of a histogram of microseconds. */
    public static LatencySummary ofMicros(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(
                micros.getTotalCount(),
                millis(micros.getValueAtPercentile(50)),
                millis(micros.getValueAtPercentile(95)),
                millis(micros.getValueAtPercentile(99)),
                millis(micros.getMaxValue()),
                micros.getMean() / MICROS_PER_MILLI);
    }

    /** A histogram of these latencies (nanoseconds), in microseconds as every Nova latency is recorded. */
    public static Histogram microsOf(long[] nanos) {
        Histogram histogram = new Histogram(3);
        for (long latency : nanos) {
            histogram.recordValue(Math.max(1, latency / 1_000));
        }
        return histogram;
    }

    private static double millis(long micros) {
        return micros / MICROS_PER_MILLI;
    }
}
