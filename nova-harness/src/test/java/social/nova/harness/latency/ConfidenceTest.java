package social.nova.harness.latency;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

class ConfidenceTest {
    @Test
    void theLowerBoundOfAP99OfAThousandSamplesIsThe984thSmallest() {
        assertThat(Confidence.lowerRank(1_000, 0.99)).isEqualTo(984);
        assertThat(Confidence.lowerRank(200, 0.95)).isEqualTo(184);
        assertThat(Confidence.lowerRank(1, 0.5))
                .as("too few samples for a bound")
                .isZero();
    }

    @Test
    void theBoundIsReadOffEveryRecordedSample() {
        Histogram micros = new Histogram(3);
        for (long ms = 1; ms <= 1_000; ms++) {
            micros.recordValue(ms * 1_000);
        }

        assertThat(Confidence.lowerBoundMillis(micros, 0.99)).isCloseTo(984.0, withinPercentage(0.1));
        assertThat(Confidence.lowerBoundMillis(new Histogram(3), 0.99)).isNull();
    }
}
