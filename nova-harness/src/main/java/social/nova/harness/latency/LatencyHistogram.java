package social.nova.harness.latency;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * How an edge's latencies spread over fixed bins, for the report's charts: {@code counts[i]} calls
 * took at most {@code boundsMillis[i]} (and more than the bound before); the last count is the
 * calls over the last bound. Every edge uses the same bins, so charts compare at a glance.
 *
 * @param boundsMillis upper bound of each bin, ascending, in milliseconds
 * @param counts       one more than {@code boundsMillis}: the last is the overflow
 * @param exact        whether the counts come from every sample (always, since latencies are recorded
 *                     in HdrHistograms; kept for reports of earlier runs)
 */
public record LatencyHistogram(List<Double> boundsMillis, List<Long> counts, boolean exact) {
    /** The bins of every chart: 1-2-5 steps from 1 ms to 5 s. */
    public static final List<Double> BOUNDS_MILLIS =
            List.of(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1_000.0, 2_000.0, 5_000.0);

    private static final double MICROS_PER_MILLI = 1e3;

    public LatencyHistogram {
        boundsMillis = List.copyOf(boundsMillis);
        counts = List.copyOf(counts);
        if (counts.size() != boundsMillis.size() + 1) {
            throw new IllegalArgumentException("a histogram needs one count per bound plus the overflow, had "
                    + counts.size() + " counts for " + boundsMillis.size() + " bounds");
        }
    }

    /** Bins a histogram of microseconds (every recorded sample). */
    public static LatencyHistogram ofMicros(Histogram micros) {
        long[] counts = new long[BOUNDS_MILLIS.size() + 1];
        long below = 0;
        for (int bin = 0; bin < BOUNDS_MILLIS.size(); bin++) {
            long upTo = micros.getCountBetweenValues(0, Math.round(BOUNDS_MILLIS.get(bin) * MICROS_PER_MILLI));
            counts[bin] = upTo - below;
            below = upTo;
        }
        counts[BOUNDS_MILLIS.size()] = micros.getTotalCount() - below;
        return new LatencyHistogram(BOUNDS_MILLIS, boxed(counts), true);
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
