package social.nova.harness.faults;

import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultSettingsTest {
    @Test
    void defaultsAreTheIssuesBounds() {
        FaultSettings settings = FaultSettings.create(faults(Map.of()));

        assertThat(settings.rate()).isEqualTo(20);
        assertThat(settings.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.killAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.maxErrorRate()).isEqualTo(0.01);
        assertThat(settings.failoverWithin()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.failFastWithin()).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.recoveryTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void everyKeyIsReadAndNonsenseRefused() {
        FaultSettings settings = FaultSettings.create(faults(Map.of(
                "nova.faults.rate",
                "5",
                "nova.faults.duration",
                "PT20S",
                "nova.faults.kill-after",
                "PT5S",
                "nova.faults.max-error-rate",
                "0.05",
                "nova.faults.failover-within",
                "PT3S",
                "nova.faults.fail-fast-within",
                "PT0.2S",
                "nova.faults.recovery-timeout",
                "PT2M",
                "nova.faults.request-timeout",
                "PT4S",
                "nova.faults.flood-connections",
                "8")));

        assertThat(settings)
                .isEqualTo(new FaultSettings(
                        5,
                        Duration.ofSeconds(20),
                        Duration.ofSeconds(5),
                        0.05,
                        Duration.ofSeconds(3),
                        Duration.ofMillis(200),
                        Duration.ofMinutes(2),
                        Duration.ofSeconds(4),
                        8,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1)));
        assertThatThrownBy(() -> FaultSettings.create(faults(Map.of("nova.faults.kill-after", "PT30S"))))
                .hasMessageContaining("nova.faults.kill-after");
        assertThatThrownBy(() -> FaultSettings.create(faults(Map.of("nova.faults.max-error-rate", "2"))))
                .hasMessageContaining("nova.faults.max-error-rate");
    }

    private static Config faults(Map<String, String> properties) {
        return Config.just(ConfigSources.create(properties)).get("nova.faults");
    }
}
