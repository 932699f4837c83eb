package social.nova.discovery;

import java.math.BigInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Consul's rules for the index of the next blocking query. */
class HealthWatchTest {

    @Test
    void followsAnIndexThatMovesForward() {
        assertThat(HealthWatch.nextIndex(null, BigInteger.valueOf(7))).isEqualTo(BigInteger.valueOf(7));
        assertThat(HealthWatch.nextIndex(BigInteger.valueOf(7), BigInteger.valueOf(9)))
                .isEqualTo(BigInteger.valueOf(9));
        assertThat(HealthWatch.nextIndex(BigInteger.valueOf(9), BigInteger.valueOf(9)))
                .isEqualTo(BigInteger.valueOf(9));
    }

    @Test
    void resetsWhenTheIndexGoesBackwardsAsAfterAnAgentRestart() {
        assertThat(HealthWatch.nextIndex(BigInteger.valueOf(150), BigInteger.valueOf(12)))
                .isNull();
    }

    @Test
    void resetsWhenTheIndexIsMissingOrNotPositive() {
        assertThat(HealthWatch.nextIndex(BigInteger.valueOf(5), null)).isNull();
        assertThat(HealthWatch.nextIndex(BigInteger.valueOf(5), BigInteger.ZERO))
                .isNull();
    }
}
