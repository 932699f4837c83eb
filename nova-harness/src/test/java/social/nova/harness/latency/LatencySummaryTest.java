package social.nova.harness.latency;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencySummaryTest {
    @Test
    void percentilesAreNearestRankInMilliseconds() {
        long[] nanos = LongStream.rangeClosed(1, 200).map(ms -> ms * 1_000_000).toArray();

        LatencySummary summary = LatencySummary.ofNanos(nanos);

        assertThat(summary.count()).isEqualTo(200);
        assertThat(summary.p50()).isEqualTo(100.0);
        assertThat(summary.p95()).isEqualTo(190.0);
        assertThat(summary.p99()).isEqualTo(198.0);
        assertThat(summary.max()).isEqualTo(200.0);
        assertThat(summary.mean()).isEqualTo(100.5);
    }

    @Test
    void oneSampleIsEveryPercentileAndNoSamplesAreZero() {
        assertThat(LatencySummary.ofNanos(new long[] {7_500_000})).isEqualTo(new LatencySummary(1, 7.5, 7.5, 7.5, 7.5, 7.5));
        assertThat(LatencySummary.ofNanos(new long[0])).isEqualTo(new LatencySummary(0, 0, 0, 0, 0, 0));
    }
}
