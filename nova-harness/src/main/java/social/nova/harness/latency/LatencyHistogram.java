package social.nova.harness.latency;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * How an edge's latencies spread over fixed bins, for the report's charts: {@code counts[i]} calls
 * took at most {@code boundsMillis[i]} (and more than the bound before); the last count is the
 * calls over the last bound. Every edge uses the same bins, so charts compare at a glance.
 *
 * @param boundsMillis upper bound of each bin, ascending, in milliseconds
 * @param counts       one more than {@code boundsMillis}: the last is the overflow
 * @param exact        false when derived from a timer's own buckets, whose edges fall near but not
 *                     on these bounds (each bin then takes the timer's buckets that end at or below
 *                     its bound)
 */
public record LatencyHistogram(List<Double> boundsMillis, List<Long> counts, boolean exact) {
    /** The bins of every chart: 1-2-5 steps from 1 ms to 5 s. */
    public static final List<Double> BOUNDS_MILLIS = List.of(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0,
            1_000.0, 2_000.0, 5_000.0);
    private static final double NANOS_PER_MILLI = 1e6;
    private static final double MILLIS_PER_SECOND = 1e3;
    /** Bucket edges print as seconds with limited precision: treat an edge this close to a bound as on it. */
    private static final double EDGE_TOLERANCE = 1e-9;

    public LatencyHistogram {
        boundsMillis = List.copyOf(boundsMillis);
        counts = List.copyOf(counts);
        if (counts.size() != boundsMillis.size() + 1) {
            throw new IllegalArgumentException("a histogram needs one count per bound plus the overflow, had "
                    + counts.size() + " counts for " + boundsMillis.size() + " bounds");
        }
    }

    /** Bins the latencies (nanoseconds) measured one by one. */
    public static LatencyHistogram ofNanos(long[] latencies) {
        long[] counts = new long[BOUNDS_MILLIS.size() + 1];
        for (long latency : latencies) {
            double millis = latency / NANOS_PER_MILLI;
            int bin = 0;
            while (bin < BOUNDS_MILLIS.size() && millis > BOUNDS_MILLIS.get(bin)) {
                bin++;
            }
            counts[bin]++;
        }
        return new LatencyHistogram(BOUNDS_MILLIS, boxed(counts), true);
    }

    /**
     * Bins a Prometheus histogram: cumulative counts per upper bound in seconds ({@code le}, with
     * {@code +Inf} as the largest key), as a timer publishes them.
     */
    public static LatencyHistogram ofCumulativeSeconds(NavigableMap<Double, Double> cumulative) {
        double total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
        long[] counts = new long[BOUNDS_MILLIS.size() + 1];
        double below = 0;
        for (int bin = 0; bin < BOUNDS_MILLIS.size(); bin++) {
            Map.Entry<Double, Double> edge = cumulative.floorEntry(BOUNDS_MILLIS.get(bin) / MILLIS_PER_SECOND + EDGE_TOLERANCE);
            double upTo = edge == null ? 0 : edge.getValue();
            counts[bin] = Math.round(upTo - below);
            below = upTo;
        }
        counts[BOUNDS_MILLIS.size()] = Math.round(total - below);
        return new LatencyHistogram(BOUNDS_MILLIS, boxed(counts), false);
    }

    /** Calls counted. */
    public long total() {
        return counts.stream().mapToLong(Long::longValue).sum();
    }

    private static List<Long> boxed(long[] counts) {
        List<Long> list = new ArrayList<>(counts.length);
        for (long count : counts) {
            list.add(count);
        }
        return list;
    }
}
