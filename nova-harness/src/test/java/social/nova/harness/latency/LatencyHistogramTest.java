package social.nova.harness.latency;

import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatencyHistogramTest {
    private static final long MILLI = 1_000_000;

    @Test
    void binsMeasuredLatenciesWithEachBoundInclusiveAndAnOverflowBin() {
        LatencyHistogram histogram = LatencyHistogram.ofNanos(new long[] {
                MILLI / 2, MILLI, MILLI + 1, 7 * MILLI, 10 * MILLI, 499 * MILLI, 6_000 * MILLI});

        assertThat(histogram.exact()).isTrue();
        assertThat(histogram.total()).isEqualTo(7);
        assertThat(histogram.counts()).containsExactly(
                2L,          // <= 1 ms
                1L,          // <= 2 ms
                0L,          // <= 5 ms
                2L,          // <= 10 ms
                0L, 0L, 0L, 0L,
                1L,          // <= 500 ms
                0L, 0L, 0L,
                1L);         // over 5 s
    }

    @Test
    void binsATimersCumulativeBucketsAtTheirEdgesAtOrBelowEachBound() {
        // Prometheus le (seconds) -> calls at or under it: 3 under 1 ms, 5 more under ~9.8 ms, 2 more under 23 ms.
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        cumulative.put(0.001, 3.0);
        cumulative.put(0.009786708, 8.0);
        cumulative.put(0.023, 10.0);
        cumulative.put(Double.POSITIVE_INFINITY, 10.0);

        LatencyHistogram histogram = LatencyHistogram.ofCumulativeSeconds(cumulative);

        assertThat(histogram.exact()).isFalse();
        assertThat(histogram.total()).isEqualTo(10);
        assertThat(histogram.counts().subList(0, 7)).containsExactly(3L, 0L, 0L, 5L, 0L, 2L, 0L);
        assertThat(LatencyHistogram.ofCumulativeSeconds(new TreeMap<>()).total()).isZero();
    }

    @Test
    void needsOneCountPerBoundPlusTheOverflow() {
        assertThatThrownBy(() -> new LatencyHistogram(List.of(1.0, 2.0), List.of(1L, 2L), true))
                .hasMessageContaining("one count per bound plus the overflow");
    }
}
