package social.nova.harness.latency;

import java.time.Duration;

import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatencySettingsTest {
    private final LatencySettings defaults = LatencySettings.create(Config.empty());

    @Test
    void aMixTooLargeForTheShortestRunGetsEnoughRequestsPerRouteForAP99() {
        Duration thirteen = defaults.measuredDuration(13);

        assertThat(thirteen).isEqualTo(Duration.ofSeconds(329));
        assertThat((long) (defaults.rate() * thirteen.toSeconds()) / 13)
                .isGreaterThanOrEqualTo(EdgeLatency.P99_MIN_SAMPLES);
    }

    @Test
    void aSmallMixRunsTheConfiguredDuration() {
        assertThat(defaults.measuredDuration(6)).isEqualTo(LatencySettings.DEFAULT_DURATION);
    }

    @Test
    void aMixWithoutRoutesIsRefused() {
        assertThatThrownBy(() -> defaults.measuredDuration(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
