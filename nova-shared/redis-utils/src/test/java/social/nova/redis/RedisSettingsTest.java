package social.nova.redis;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisSettingsTest {

    @Test
    void emptyConfigGivesDocumentedDefaults() {
        RedisSettings settings = RedisSettings.create(Config.empty());

        assertThat(settings.host()).isEqualTo("localhost");
        assertThat(settings.port()).isEqualTo(6379);
        assertThat(settings.password()).isEmpty();
        assertThat(settings.database()).isZero();
        assertThat(settings.socketTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.blockingSocketTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.poolMaxTotal()).isEqualTo(16);
        assertThat(settings.poolMaxWait()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void uriSuppliesAddressCredentialsAndDatabase() {
        RedisSettings settings =
                RedisSettings.create(config(Map.of("uri", "redis://app:s3cret@cache.internal:6380/3")));

        assertThat(settings.host()).isEqualTo("cache.internal");
        assertThat(settings.port()).isEqualTo(6380);
        assertThat(settings.user()).contains("app");
        assertThat(settings.password()).contains("s3cret");
        assertThat(settings.database()).isEqualTo(3);
        assertThat(settings.ssl()).isFalse();
    }

    @Test
    void explicitKeysOverrideTheUriAndNestedPoolKeysAreRead() {
        RedisSettings settings = RedisSettings.create(config(Map.of(
                "uri", "rediss://:old@cache.internal:6380/3",
                "password", "from-secret-store",
                "database", "5",
                "socket-timeout", "PT0.5S",
                "pool.max-total", "4",
                "pool.max-idle", "2")));

        assertThat(settings.password()).contains("from-secret-store");
        assertThat(settings.database()).isEqualTo(5);
        assertThat(settings.ssl()).isTrue();
        assertThat(settings.socketTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.poolMaxTotal()).isEqualTo(4);
        assertThat(settings.poolMaxIdle()).isEqualTo(2);
    }

    @Test
    void badUriIsRejectedWithoutEchoingItsPassword() {
        assertThatThrownBy(() -> RedisSettings.create(config(Map.of("uri", "http://u:topsecret@h:1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void invalidValuesAreRejectedPrecisely() {
        assertThatThrownBy(() -> RedisSettings.create(config(Map.of("port", "70000"))))
                .hasMessageContaining("port must be 1..65535, was 70000");
        assertThatThrownBy(() -> RedisSettings.create(config(Map.of("pool.min-idle", "9"))))
                .hasMessageContaining("min-idle <= max-idle");
        assertThatThrownBy(() -> RedisSettings.of("h", 1).withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("connect-timeout must be positive");
    }

    @Test
    void toStringHidesThePassword() {
        RedisSettings settings = RedisSettings.of("h", 1).withPassword("hunter2");

        assertThat(settings.toString()).doesNotContain("hunter2").contains("password=***");
        assertThat(settings.password()).isEqualTo(Optional.of("hunter2"));
    }

    static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }
}
