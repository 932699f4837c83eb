package social.nova.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackSettingsTest {
    @Test
    void theUpStackUsesTheWellKnownPortsAndOutlivesTheJvm() {
        StackSettings up = StackSettings.forUp(nova(Map.of("nova.root", "/repo")));

        assertThat(up.persistent()).isTrue();
        assertThat(up.consulPort()).isEqualTo(8500);
        assertThat(up.gatewayPort()).isEqualTo(8000);
        assertThat(up.rtmpPort()).as("RTMP's own port").isEqualTo(1935);
        assertThat(up.hlsPort()).isEqualTo(8090);
        assertThat(up.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(up.publishedHost()).isEqualTo("localhost");
        assertThat(up.logDirectory()).isEmpty();
    }

    @Test
    void aTestStackUsesFreePortsAndSavesServiceLogs() {
        StackSettings test = StackSettings.forTests(nova(Map.of("nova.root", "/repo")));

        assertThat(test.persistent()).isFalse();
        assertThat(test.consulPort()).isZero();
        assertThat(test.gatewayPort()).isZero();
        assertThat(test.rtmpPort()).isZero();
        assertThat(test.hlsPort()).isZero();
        assertThat(test.logDirectory()).hasValue(Path.of("/repo/nova-harness/target/stack-logs"));
        assertThat(test.checkInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(test.startTimeout()).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void everyKeyIsRead() {
        StackSettings settings = StackSettings.forUp(nova(Map.of(
                "nova.root", "/repo",
                "nova.consul.port", "18500",
                "nova.gateway.port", "18000",
                "nova.bind-address", "0.0.0.0",
                "nova.instances", "auth-service=2, api-gateway=0",
                "nova.checks.interval", "PT2S",
                "nova.start.timeout", "PT5M",
                "nova.service.memory", "768",
                "nova.java.options", "-XX:TieredStopAtLevel=1",
                "nova.logs.dir", "/tmp/logs")));

        assertThat(settings.consulPort()).isEqualTo(18500);
        assertThat(settings.gatewayPort()).isEqualTo(18000);
        assertThat(settings.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(settings.instances())
                .containsExactlyInAnyOrderEntriesOf(Map.of("auth-service", 2, "api-gateway", 0));
        assertThat(settings.checkInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.startTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.serviceMemoryMib()).isEqualTo(768);
        assertThat(settings.javaOptions()).isEqualTo("-XX:TieredStopAtLevel=1");
        assertThat(settings.logDirectory()).hasValue(Path.of("/tmp/logs"));
    }

    @Test
    void theMediaServersPortsAreRead() {
        StackSettings settings = StackSettings.forUp(
                nova(Map.of("nova.root", "/repo", "nova.rtmp.port", "11935", "nova.hls.port", "18090")));

        assertThat(settings.rtmpPort()).isEqualTo(11935);
        assertThat(settings.hlsPort()).isEqualTo(18090);
    }

    @Test
    void extraEnvironmentIsPerService() {
        StackSettings settings = StackSettings.forTests(nova(Map.of(
                "nova.root", "/repo",
                "nova.environment.api-gateway.GATEWAY_RATE_dash_LIMIT_LIMIT", "6000",
                "nova.environment.api-gateway.GATEWAY_FLEET_CACHE_dash_FOR", "PT2S",
                "nova.environment.user-service.USER_PROFILE_dash_CACHE_TTL", "PT1M")));

        assertThat(settings.environment("api-gateway"))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("GATEWAY_RATE_dash_LIMIT_LIMIT", "6000", "GATEWAY_FLEET_CACHE_dash_FOR", "PT2S"));
        assertThat(settings.environment("user-service"))
                .containsExactlyEntriesOf(Map.of("USER_PROFILE_dash_CACHE_TTL", "PT1M"));
        assertThat(settings.environment("auth-service")).isEmpty();
        assertThat(StackSettings.forTests(nova(Map.of("nova.root", "/repo"))).environment())
                .isEmpty();
    }

    @Test
    void badValuesAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> StackSettings.parseInstances("auth-service:2"))
                .hasMessageContaining("nova.instances must look like");
        assertThatThrownBy(() -> StackSettings.parseInstances("auth-service=two"))
                .hasMessage("nova.instances: 'two' for auth-service is not a number");
        assertThatThrownBy(() -> StackSettings.forUp(nova(Map.of("nova.root", "/repo", "nova.consul.port", "70000"))))
                .hasMessageContaining("nova.consul.port");
        assertThatThrownBy(() -> StackSettings.forUp(nova(Map.of("nova.root", "/repo", "nova.hls.port", "-1"))))
                .hasMessageContaining("nova.hls.port");
        assertThatThrownBy(() -> StackSettings.forUp(nova(Map.of("nova.root", "/repo", "nova.service.memory", "16"))))
                .hasMessageContaining("nova.service.memory is in MiB");
    }

    @Test
    void theRootIsFoundAboveTheWorkingDirectory() {
        // Tests run in nova-harness/, one level below the folder holding nova-services/.
        assertThat(StackSettings.findRoot().resolve("nova-services")).isDirectory();
    }

    private static Config nova(Map<String, String> values) {
        return Config.just(ConfigSources.create(values)).get("nova");
    }
}
