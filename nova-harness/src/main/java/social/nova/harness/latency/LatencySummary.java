package social.nova.harness.latency;

import java.util.Arrays;

/**
 * Percentiles of a set of latencies, in milliseconds (nearest rank: p99 of 200 samples is the
 * 198th smallest). An empty set has every figure 0.
 */
public record LatencySummary(long count, double p50, double p95, double p99, double max, double mean) {
    private static final double NANOS_PER_MILLI = 1e6;

    public static LatencySummary ofNanos(long[] latencies) {
        if (latencies.length == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0);
        return new LatencySummary(sorted.length,
                millis(rank(sorted, 0.50)), millis(rank(sorted, 0.95)), millis(rank(sorted, 0.99)),
                millis(sorted[sorted.length - 1]), mean / NANOS_PER_MILLI);
    }

    private static long rank(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double millis(long nanos) {
        return nanos / NANOS_PER_MILLI;
    }
}
