package social.nova.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import social.nova.redis.RateLimiterSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewaySettingsTest {

    @Test
    void everyKeyHasADefault() {
        GatewaySettings settings = GatewaySettings.create(config(Map.of()));
        assertThat(settings.maxBodyBytes()).isEqualTo(65536);
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.clientRateLimit().name()).isEqualTo("gateway-client");
        assertThat(settings.clientRateLimit().limit()).isEqualTo(600);
        assertThat(settings.clientRateLimit().window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.clientRateLimit().onRedisFailure()).isEqualTo(RateLimiterSettings.FailureMode.ALLOW);
        assertThat(settings.trustForwardedFor()).isFalse();
        assertThat(settings.downstreamServices()).containsExactly("auth-service", "user-service", "content-service");
        assertThat(settings.fleetCacheFor()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.fleetMaxWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.retryAfterUnavailable()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.mediaTransferTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.mediaCopyThreads()).isEqualTo(8);
    }

    @Test
    void readsEveryKey() {
        GatewaySettings settings = GatewaySettings.create(config(Map.ofEntries(
                Map.entry("max-body-size", "1024"),
                Map.entry("request-timeout", "PT3S"),
                Map.entry("rate-limit.name", "edge"),
                Map.entry("rate-limit.limit", "5"),
                Map.entry("rate-limit.window", "PT10S"),
                Map.entry("rate-limit.on-redis-failure", "deny"),
                Map.entry("trust-forwarded-for", "true"),
                Map.entry("downstream-services.0", "auth-service"),
                Map.entry("fleet.cache-for", "PT0.5S"),
                Map.entry("fleet.max-wait", "PT0.2S"),
                Map.entry("retry-after-unavailable", "PT2S"),
                Map.entry("media.transfer-timeout", "PT1M"),
                Map.entry("media.copy-threads", "0"))));
        assertThat(settings.maxBodyBytes()).isEqualTo(1024);
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.clientRateLimit().keyPrefix()).isEqualTo("ratelimit:edge:");
        assertThat(settings.clientRateLimit().limit()).isEqualTo(5);
        assertThat(settings.clientRateLimit().window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.clientRateLimit().onRedisFailure()).isEqualTo(RateLimiterSettings.FailureMode.DENY);
        assertThat(settings.trustForwardedFor()).isTrue();
        assertThat(settings.downstreamServices()).isEqualTo(List.of("auth-service"));
        assertThat(settings.fleetCacheFor()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.fleetMaxWait()).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.retryAfterUnavailable()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.mediaTransferTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.mediaCopyThreads()).isZero();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> GatewaySettings.create(config(Map.of("max-body-size", "0"))))
                .hasMessageContaining("gateway.max-body-size");
        assertThatThrownBy(() -> GatewaySettings.create(config(Map.of("request-timeout", "PT0S"))))
                .hasMessageContaining("gateway.request-timeout");
        assertThatThrownBy(() -> GatewaySettings.create(config(Map.of("fleet.max-wait", "PT0S"))))
                .hasMessageContaining("gateway.fleet.max-wait");
        assertThatThrownBy(() -> GatewaySettings.create(config(Map.of("rate-limit.on-redis-failure", "maybe"))))
                .hasMessageContaining("allow or deny");
        assertThatThrownBy(() -> GatewaySettings.create(config(Map.of("media.copy-threads", "-1"))))
                .hasMessageContaining("gateway.media.copy-threads");
    }

    private static Config config(Map<String, String> values) {
        return Config.builder()
                .sources(ConfigSources.create(values))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }
}
