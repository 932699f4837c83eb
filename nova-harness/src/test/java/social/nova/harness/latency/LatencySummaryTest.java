package social.nova.harness.latency;

import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

class LatencySummaryTest {
    @Test
    void percentilesComeFromEverySampleToATenthOfAPercent() {
        long[] nanos = LongStream.rangeClosed(1, 200).map(ms -> ms * 1_000_000).toArray();

        LatencySummary summary = LatencySummary.ofMicros(LatencySummary.microsOf(nanos));

        assertThat(summary.count()).isEqualTo(200);
        assertThat(summary.p50()).isCloseTo(100.0, withinPercentage(0.1));
        assertThat(summary.p95()).isCloseTo(190.0, withinPercentage(0.1));
        assertThat(summary.p99()).isCloseTo(198.0, withinPercentage(0.1));
        assertThat(summary.max()).isCloseTo(200.0, withinPercentage(0.1));
        assertThat(summary.mean()).isCloseTo(100.5, withinPercentage(0.1));
    }

    @Test
    void oneSampleIsEveryPercentileAndNoSamplesAreZero() {
        LatencySummary one = LatencySummary.ofMicros(LatencySummary.microsOf(new long[] {7_500_000}));
        assertThat(one.count()).isEqualTo(1);
        assertThat(List.of(one.p50(), one.p95(), one.p99(), one.max()))
                .allSatisfy(p -> assertThat(p).isCloseTo(7.5, withinPercentage(0.1)));
        assertThat(LatencySummary.ofMicros(LatencySummary.microsOf(new long[0])))
                .isEqualTo(new LatencySummary(0, 0, 0, 0, 0, 0));
    }
}
