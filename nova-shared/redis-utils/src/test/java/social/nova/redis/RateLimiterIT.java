package social.nova.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RateLimiterIT {
    private static RedisClient redis;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String account = "account:" + UUID.randomUUID();

    @BeforeAll
    static void connect() {
        redis = RedisClients.create(RedisSettings.create(
                RedisSettingsTest.config(Map.of("uri", SharedContainers.redis().getRedisUri()))));
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @Test
    void allowsExactlyTheLimitThenDeniesWithARetryAfterWithinTheWindow() {
        RateLimiter limiter =
                new RateLimiter(redis, RateLimiterSettings.of("login", 5, Duration.ofMinutes(1)), registry);

        List<RateLimitDecision> decisions = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            decisions.add(limiter.tryAcquire(account));
        }

        assertThat(decisions)
                .extracting(RateLimitDecision::allowed)
                .containsExactly(true, true, true, true, true, false, false);
        assertThat(decisions).extracting(RateLimitDecision::remaining).containsExactly(4L, 3L, 2L, 1L, 0L, 0L, 0L);
        assertThat(decisions.get(5).retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
        assertThat(decisions).noneMatch(RateLimitDecision::degraded);
        assertThat(limiter.tryAcquire(account + ":other").allowed()).isTrue();
        assertThat(registry.find("nova.ratelimit.decisions")
                        .tag("result", "denied")
                        .counter()
                        .count())
                .isEqualTo(2.0);
    }

    @Test
    void permitsComeBackAsTheWindowSlides() {
        RateLimiter limiter =
                new RateLimiter(redis, RateLimiterSettings.of("burst", 2, Duration.ofMillis(500)), registry);
        limiter.tryAcquire(account);
        limiter.tryAcquire(account);
        RateLimitDecision denied = limiter.tryAcquire(account);
        assertThat(denied.allowed()).isFalse();

        await().atMost(Duration.ofSeconds(3))
                .until(() -> limiter.tryAcquire(account).allowed());
        assertThat(redis.pttl("ratelimit:burst:" + account)).isBetween(1L, 500L);
    }

    @Test
    void manyThreadsNeverTakeMoreThanTheLimit() throws Exception {
        int limit = 50;
        RateLimiter limiter =
                new RateLimiter(redis, RateLimiterSettings.of("concurrent", limit, Duration.ofMinutes(1)), registry);
        // Two clients, as two service instances would share the limit.
        try (RedisClient secondInstance = RedisClients.create(RedisSettings.create(
                RedisSettingsTest.config(Map.of("uri", SharedContainers.redis().getRedisUri()))))) {
            RateLimiter other = new RateLimiter(secondInstance, limiter.settings(), new SimpleMeterRegistry());
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> allowedPerThread = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                for (int t = 0; t < 16; t++) {
                    RateLimiter mine = t % 2 == 0 ? limiter : other;
                    allowedPerThread.add(pool.submit(() -> {
                        start.await();
                        int allowed = 0;
                        for (int i = 0; i < 10; i++) {
                            allowed += mine.tryAcquire(account).allowed() ? 1 : 0;
                        }
                        return allowed;
                    }));
                }
                start.countDown();
                int total = 0;
                for (Future<Integer> allowed : allowedPerThread) {
                    total += allowed.get(20, TimeUnit.SECONDS);
                }
                assertThat(total).isEqualTo(limit);
            }
        }
        assertThat(redis.zcard("ratelimit:concurrent:" + account)).isEqualTo(limit);
    }

    @Test
    void scriptIsRunByDigestAndReloadedAfterAScriptFlush() {
        RateLimiter limiter =
                new RateLimiter(redis, RateLimiterSettings.of("flush", 3, Duration.ofMinutes(1)), registry);
        limiter.tryAcquire(account);
        redis.scriptFlush();

        assertThat(limiter.tryAcquire(account).remaining()).isEqualTo(1);
        assertThat(registry.find("nova.redis.failures").counter().count()).isZero();
        assertThat(new LuaScript("return 'hello moto'").sha1()).isEqualTo(redis.scriptLoad("return 'hello moto'"));
    }
}
