package social.nova.harness.latency;

import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatencyHistogramTest {
    private static final long MILLI = 1_000;

    @Test
    void binsEveryRecordedLatencyWithEachBoundInclusiveAndAnOverflowBin() {
        Histogram micros = new Histogram(3);
        for (long value :
                new long[] {MILLI / 2, MILLI, MILLI + 10, 7 * MILLI, 10 * MILLI, 499 * MILLI, 6_000 * MILLI}) {
            micros.recordValue(value);
        }

        LatencyHistogram histogram = LatencyHistogram.ofMicros(micros);

        assertThat(histogram.exact()).isTrue();
        assertThat(histogram.total()).isEqualTo(7);
        assertThat(histogram.counts())
                .containsExactly(
                        2L, // <= 1 ms
                        1L, // <= 2 ms
                        0L, // <= 5 ms
                        2L, // <= 10 ms
                        0L, 0L, 0L, 0L, 1L, // <= 500 ms
                        0L, 0L, 0L, 1L); // over 5 s
        assertThat(LatencyHistogram.ofMicros(new Histogram(3)).total()).isZero();
    }

    @Test
    void needsOneCountPerBoundPlusTheOverflow() {
        assertThatThrownBy(() -> new LatencyHistogram(List.of(1.0, 2.0), List.of(1L, 2L), true))
                .hasMessageContaining("one count per bound plus the overflow");
    }
}
