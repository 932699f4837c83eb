package social.nova.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache and the limiter against a port where nothing listens (connection refused): no Docker needed. */
class RedisUnreachableTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RedisClient redis;

    @BeforeEach
    void connectToNothing() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        redis = RedisClients.create(
                RedisSettings.of("127.0.0.1", port).withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300)));
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void cacheReturnsTheLoadersValueCountsTheFailureAndDoesNotThrow() {
        Cache cache = new Cache(redis, CacheSettings.named("profiles"), registry);
        AtomicInteger loads = new AtomicInteger();

        for (int i = 0; i < 20; i++) {
            assertThat(cache.get(
                            "user:1", Duration.ofMinutes(1), Codec.string(), () -> "alice#" + loads.incrementAndGet()))
                    .startsWith("alice#");
        }
        cache.invalidate("user:1");

        assertThat(loads).hasValue(20);
        // The cool-down after the first refusal spares the following calls a trip to Redis.
        assertThat(failures("cache")).isBetween(1.0, 2.0);
    }

    @Test
    void rateLimiterFailsOpenByDefault() {
        RateLimiter limiter =
                new RateLimiter(redis, RateLimiterSettings.of("reads", 1, Duration.ofMinutes(1)), registry);

        RateLimitDecision first = limiter.tryAcquire("10.0.0.1");
        RateLimitDecision second = limiter.tryAcquire("10.0.0.1");

        assertThat(first.allowed()).isTrue();
        assertThat(first.degraded()).isTrue();
        assertThat(second.allowed()).isTrue();
        assertThat(failures("rate-limiter")).isPositive();
    }

    @Test
    void rateLimiterFailsClosedWhenConfiguredTo() {
        RateLimiter limiter = new RateLimiter(
                redis,
                RateLimiterSettings.of("login", 5, Duration.ofMinutes(1))
                        .withOnRedisFailure(RateLimiterSettings.FailureMode.DENY),
                registry);

        RateLimitDecision decision = limiter.tryAcquire("account:42");

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.degraded()).isTrue();
        assertThat(decision.retryAfter()).isEqualTo(RateLimiterSettings.DEFAULT_FAILURE_RETRY_AFTER);
    }

    @Test
    void cacheTtlIsShortenedByAtMostTheJitter() {
        Cache cache = new Cache(redis, CacheSettings.named("jitter"), registry);
        for (int i = 0; i < 200; i++) {
            assertThat(cache.jittered(Duration.ofSeconds(100))).isBetween(90_000L, 100_000L);
        }
        Cache exact = new Cache(redis, CacheSettings.named("exact").withTtlJitter(0), registry);
        assertThat(exact.jittered(Duration.ofSeconds(100))).isEqualTo(100_000L);
    }

    private double failures(String component) {
        return registry.find("nova.redis.failures")
                .tag("component", component)
                .counter()
                .count();
    }
}
