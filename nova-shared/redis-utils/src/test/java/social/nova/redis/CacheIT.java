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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import social.nova.testing.RestartableContainer;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CacheIT {
    private static RedisClient redis;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String key = "user:" + UUID.randomUUID();

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
    void missLoadsAndStoresThenHitsServeFromRedisUntilInvalidated() {
        Cache cache = new Cache(redis, CacheSettings.named("profiles"), registry);
        AtomicInteger loads = new AtomicInteger();

        String first = cache.get(key, Duration.ofMinutes(1), Codec.string(), () -> "alice-" + loads.incrementAndGet());
        String second = cache.get(key, Duration.ofMinutes(1), Codec.string(), () -> "alice-" + loads.incrementAndGet());

        assertThat(first).isEqualTo("alice-1");
        assertThat(second).isEqualTo("alice-1");
        assertThat(redis.get("cache:profiles:v:" + key)).isEqualTo("alice-1");
        assertThat(requests("hit")).isEqualTo(1.0);
        assertThat(requests("miss")).isEqualTo(1.0);

        cache.invalidate(key);
        String third = cache.get(key, Duration.ofMinutes(1), Codec.string(), () -> "alice-" + loads.incrementAndGet());

        assertThat(third).isEqualTo("alice-2");
        assertThat(loads).hasValue(2);
    }

    @Test
    void entriesExpireAfterTheirTtlWithJitterOnlyShorteningIt() {
        Cache cache = new Cache(redis, CacheSettings.named("ttl"), registry);
        AtomicInteger loads = new AtomicInteger();

        cache.get(key, Duration.ofSeconds(10), Codec.longs(), () -> (long) loads.incrementAndGet());
        long ttl = redis.pttl("cache:ttl:v:" + key);
        assertThat(ttl).isBetween(8_000L, 10_000L);

        String shortLived = key + ":short";
        assertThat(cache.get(shortLived, Duration.ofMillis(300), Codec.longs(), () -> (long) loads.incrementAndGet()))
                .isEqualTo(2L);
        assertThat(cache.get(shortLived, Duration.ofMillis(300), Codec.longs(), () -> (long) loads.incrementAndGet()))
                .isEqualTo(2L);
        await().atMost(Duration.ofSeconds(3)).until(() -> !redis.exists("cache:ttl:v:" + shortLived));
        assertThat(cache.get(shortLived, Duration.ofMillis(300), Codec.longs(), () -> (long) loads.incrementAndGet()))
                .isEqualTo(3L);
    }

    @Test
    void concurrentMissesInOneProcessCallTheLoaderOnce() throws Exception {
        Cache cache = new Cache(redis, CacheSettings.named("single-flight"), registry);
        AtomicInteger loads = new AtomicInteger();
        List<String> values =
                getConcurrently(16, () -> cache.get(key, Duration.ofMinutes(1), Codec.string(), () -> slowLoad(loads)));

        assertThat(values).hasSize(16).containsOnly("loaded-1");
        assertThat(loads).hasValue(1);
    }

    @Test
    void concurrentMissesInTwoProcessesCallTheLoaderOnce() throws Exception {
        // Two clients and two caches stand for two service instances sharing one Redis.
        try (RedisClient otherProcess = RedisClients.create(RedisSettings.create(
                RedisSettingsTest.config(Map.of("uri", SharedContainers.redis().getRedisUri()))))) {
            CacheSettings settings = CacheSettings.named("cross-process").withLockWait(Duration.ofSeconds(3));
            Cache here = new Cache(redis, settings, registry);
            Cache there = new Cache(otherProcess, settings, new SimpleMeterRegistry());
            AtomicInteger loads = new AtomicInteger();

            List<String> values = getConcurrently(8, new Supplier<>() {
                private final AtomicInteger turn = new AtomicInteger();

                @Override
                public String get() {
                    Cache cache = turn.getAndIncrement() % 2 == 0 ? here : there;
                    return cache.get(key, Duration.ofMinutes(1), Codec.string(), () -> slowLoad(loads));
                }
            });

            assertThat(values).containsOnly("loaded-1");
            assertThat(loads).hasValue(1);
        }
    }

    @Test
    void aHungOrStoppedRedisTurnsIntoMissesNotErrors() {
        try (RestartableContainer own = RestartableContainer.start(SharedContainers.newRedis(), 6379);
                RedisClient client = RedisClients.create(RedisSettings.of(
                                own.container().getHost(), own.container().getMappedPort(6379))
                        .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500)))) {
            Cache cache = new Cache(client, CacheSettings.named("outage"), registry);
            AtomicInteger loads = new AtomicInteger();
            cache.get(key, Duration.ofMinutes(1), Codec.string(), () -> "v" + loads.incrementAndGet());

            own.pause();
            try {
                long started = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    cache.invalidate(key);
                    assertThat(cache.get(
                                    key, Duration.ofMinutes(1), Codec.string(), () -> "v" + loads.incrementAndGet()))
                            .startsWith("v");
                }
                // 20 calls cost about one socket timeout in all: the cool-down skips Redis after it.
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
                assertThat(failures()).isPositive();
            } finally {
                own.unpause();
            }

            own.stop();
            String whileStopped = cache.get(key + ":2", Duration.ofMinutes(1), Codec.string(), () -> "fresh");
            assertThat(whileStopped).isEqualTo("fresh");

            own.restart();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                cache.get(key, Duration.ofMinutes(1), Codec.string(), () -> "after-restart");
                assertThat(client.get("cache:outage:v:" + key)).isEqualTo("after-restart");
            });
        }
    }

    private static String slowLoad(AtomicInteger loads) {
        try {
            TimeUnit.MILLISECONDS.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "loaded-" + loads.incrementAndGet();
    }

    private static List<String> getConcurrently(int callers, Supplier<String> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(callers)) {
            for (int i = 0; i < callers; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.get();
                }));
            }
            start.countDown();
            List<String> values = new ArrayList<>();
            for (Future<String> future : futures) {
                values.add(future.get(10, TimeUnit.SECONDS));
            }
            return values;
        }
    }

    private double requests(String result) {
        return registry.find("nova.cache.requests")
                .tag("result", result)
                .counter()
                .count();
    }

    private double failures() {
        return registry.find("nova.redis.failures")
                .tag("component", "cache")
                .counter()
                .count();
    }
}
