package social.nova.redis;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static social.nova.redis.RedisSettingsTest.config;

class SettingsRecordsTest {

    @Test
    void cacheSettingsDefaultThePrefixFromTheName() {
        CacheSettings settings = CacheSettings.create(config(Map.of("name", "profiles", "lock-wait", "PT2S")));

        assertThat(settings.keyPrefix()).isEqualTo("cache:profiles:");
        assertThat(settings.lockWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.ttlJitter()).isEqualTo(0.1);
    }

    @Test
    void cacheJitterMustBeAFraction() {
        assertThatThrownBy(() -> CacheSettings.create(config(Map.of("ttl-jitter", "1.5"))))
                .hasMessageContaining("ttl-jitter must be in [0, 1), was 1.5");
    }

    @Test
    void rateLimiterReadsItsPolicyAndFailureMode() {
        RateLimiterSettings settings = RateLimiterSettings.create(
                config(Map.of("name", "login", "limit", "5", "window", "PT1M", "on-redis-failure", "DENY")));

        assertThat(settings.limit()).isEqualTo(5);
        assertThat(settings.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.onRedisFailure()).isEqualTo(RateLimiterSettings.FailureMode.DENY);
        assertThat(settings.keyPrefix()).isEqualTo("ratelimit:login:");
        assertThat(RateLimiterSettings.of("reads", 10, Duration.ofSeconds(1)).onRedisFailure())
                .isEqualTo(RateLimiterSettings.FailureMode.ALLOW);
    }

    @Test
    void rateLimiterRejectsUnknownFailureModeAndZeroLimit() {
        assertThatThrownBy(() -> RateLimiterSettings.create(
                        config(Map.of("name", "login", "limit", "5", "window", "PT1M", "on-redis-failure", "maybe"))))
                .hasMessageContaining("must be allow or deny, was 'maybe'");
        assertThatThrownBy(() -> RateLimiterSettings.of("x", 0, Duration.ofSeconds(1)))
                .hasMessageContaining("limit must be >= 1, was 0");
    }

    @Test
    void streamConsumerNeedsStreamAndGroupAndASaneShutdown() {
        StreamConsumerSettings settings = StreamConsumerSettings.create(config(Map.of(
                "stream", "nova.events.user", "group", "feed-service", "start-from", "latest", "max-deliveries", "3")));

        assertThat(settings.deadLetterStream()).isEqualTo("nova.events.user.dlq");
        assertThat(settings.startFrom()).isEqualTo(StreamConsumerSettings.StartFrom.LATEST);
        assertThat(settings.maxDeliveries()).isEqualTo(3);
        assertThat(settings.consumer()).isNotBlank();
        assertThat(StreamConsumerSettings.of("s", "g").consumer())
                .isNotEqualTo(StreamConsumerSettings.of("s", "g").consumer());

        assertThatThrownBy(() -> StreamConsumerSettings.of("s", "g")
                        .withBlockTimeout(Duration.ofSeconds(5), Duration.ofSeconds(5)))
                .hasMessageContaining("must exceed block-timeout");
        assertThatThrownBy(() -> StreamConsumerSettings.of(" ", "g")).hasMessageContaining("stream must not be blank");
    }

    @Test
    void publisherTrimsOnlyWhenAsked() {
        assertThat(StreamPublisherSettings.create(config(Map.of())).maxLen()).isZero();
        assertThat(StreamPublisherSettings.create(config(Map.of("max-len", "1000")))
                        .maxLen())
                .isEqualTo(1000);
        assertThatThrownBy(() -> new StreamPublisherSettings(-1)).hasMessageContaining("max-len must be >= 0");
    }
}
