package social.nova.discovery;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsulSettingsTest {

    @Test
    void defaultsDescribeALocalAgentWithoutAcl() {
        ConsulSettings settings = ConsulSettings.create(Config.empty());

        assertThat(settings).isEqualTo(ConsulSettings.defaults());
        assertThat(settings.url()).isEqualTo(URI.create("http://localhost:8500"));
        assertThat(settings.token()).isEmpty();
        assertThat(settings.watchBlockingTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.checkInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.deregisterCriticalAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.verifyInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void readsEveryKeyFromConfig() {
        Config consul = config(Map.ofEntries(
                        Map.entry("consul.url", "http://consul.internal:8501"),
                        Map.entry("consul.acl-token", "b1gs3cr3t"),
                        Map.entry("consul.connect-timeout", "PT1S"),
                        Map.entry("consul.read-timeout", "PT3S"),
                        Map.entry("consul.watch.blocking-time", "PT20S"),
                        Map.entry("consul.checks.interval", "PT1S"),
                        Map.entry("consul.checks.timeout", "PT0.5S"),
                        Map.entry("consul.checks.deregister-critical-after", "PT2M"),
                        Map.entry("consul.registration.verify-interval", "PT4S"),
                        Map.entry("consul.retry.initial-backoff", "PT0.1S"),
                        Map.entry("consul.retry.max-backoff", "PT5S")))
                .get("consul");

        ConsulSettings settings = ConsulSettings.create(consul);

        assertThat(settings)
                .isEqualTo(new ConsulSettings(
                        URI.create("http://consul.internal:8501"),
                        "b1gs3cr3t",
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(20),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(500),
                        Duration.ofMinutes(2),
                        Duration.ofSeconds(4),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(5)));
    }

    @Test
    void neverPrintsTheToken() {
        ConsulSettings settings = ConsulSettings.builder().aclToken("b1gs3cr3t").build();

        assertThat(settings.toString()).doesNotContain("b1gs3cr3t").contains("aclToken=***");
        assertThat(settings.token()).contains("b1gs3cr3t");
    }

    @Test
    void blankTokenMeansNone() {
        assertThat(ConsulSettings.builder().aclToken("  ").build().token()).isEmpty();
    }

    @Test
    void rejectsValuesConsulWouldMisread() {
        assertThatThrownBy(() -> ConsulSettings.builder()
                        .watchBlockingTime(Duration.ofMillis(1500))
                        .build())
                .hasMessageContaining("watch.blocking-time must be whole seconds");
        assertThatThrownBy(() -> ConsulSettings.builder()
                        .watchBlockingTime(Duration.ofMinutes(11))
                        .build())
                .hasMessageContaining("watch.blocking-time");
        assertThatThrownBy(() -> ConsulSettings.builder()
                        .deregisterCriticalAfter(Duration.ofSeconds(30))
                        .build())
                .hasMessageContaining("checks.deregister-critical-after must be at least PT1M");
        assertThatThrownBy(() ->
                        ConsulSettings.builder().checkInterval(Duration.ZERO).build())
                .hasMessageContaining("checks.interval must be positive");
        assertThatThrownBy(() -> ConsulSettings.builder()
                        .retryInitialBackoff(Duration.ofSeconds(5))
                        .retryMaxBackoff(Duration.ofSeconds(1))
                        .build())
                .hasMessageContaining("retry.max-backoff");
        assertThatThrownBy(() -> ConsulSettings.builder().url("consul:8500").build())
                .hasMessageContaining("consul url must be http(s)://host[:port]");
    }

    @Test
    void rejectsMalformedDurationsInConfig() {
        Config consul = config(Map.of("consul.checks.interval", "5 seconds")).get("consul");

        assertThatThrownBy(() -> ConsulSettings.create(consul)).hasMessageContaining("checks.interval");
    }

    private static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }
}
