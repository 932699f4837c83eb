package social.nova.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;
import social.nova.testing.RestartableContainer;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A frozen Redis (paused: connections open, nothing answers) costs a request at most the
 * configured timeout, however the pool is set up and however many Redis uses the request makes.
 */
class FrozenRedisIT {
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    /** Far above the timeout, far below what the request cost before (pool wait + timeouts, serialised). */
    private static final Duration BOUND = Duration.ofSeconds(2);

    private static final int REQUESTS = 24;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /**
     * On virtual threads (every request of a service: the command runs on the caller, a watchdog
     * interrupts it) and on platform threads (the command runs on a virtual thread of its own).
     */
    @ParameterizedTest(name = "requests on virtual threads: {0}")
    @ValueSource(booleans = {true, false})
    void noRequestWaitsLongerThanTheTimeoutWhileRedisIsFrozenAndRedisServesAgainAfterwards(boolean virtualThreads)
            throws Exception {
        try (RestartableContainer own = RestartableContainer.start(SharedContainers.newRedis(), 6379);
                // One connection and a long pool wait: without a bound on the whole command, requests
                // queue for the pool behind each other's socket timeouts.
                RedisClient redis = RedisClients.create(RedisSettings.of(
                                own.container().getHost(), own.container().getMappedPort(6379))
                        .withTimeouts(TIMEOUT, TIMEOUT)
                        .withPool(1, Duration.ofSeconds(5)))) {
            // A login as auth-service checks it: two limits on one client, then a cache read.
            RateLimiter perAccount = new RateLimiter(
                    redis,
                    RateLimiterSettings.of("login-account", 100, Duration.ofMinutes(1))
                            .withOnRedisFailure(RateLimiterSettings.FailureMode.DENY),
                    registry);
            RateLimiter perClient = new RateLimiter(
                    redis, RateLimiterSettings.of("login-client", 100, Duration.ofMinutes(1)), registry);
            Cache cache = new Cache(redis, CacheSettings.named("frozen"), registry);
            Request request = new Request(perAccount, perClient, cache);
            assertThat(request.run(0).degraded()).isFalse();

            own.pause();
            List<Outcome> outcomes;
            try {
                outcomes = concurrently(request, virtualThreads);
            } finally {
                own.unpause();
            }

            assertThat(outcomes).allSatisfy(outcome -> {
                assertThat(outcome.took()).isLessThan(BOUND);
                assertThat(outcome.interruptedAfter())
                        .as("the caller's interrupt status afterwards")
                        .isFalse();
                assertThat(outcome.cached())
                        .as("the cache falls through to the loader")
                        .startsWith("loaded-");
            });
            assertThat(outcomes)
                    .anySatisfy(outcome -> assertThat(outcome.degraded()).isTrue());

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Outcome after = request.run(REQUESTS + 1);
                assertThat(after.degraded()).isFalse();
                assertThat(redis.get("cache:frozen:v:profile:" + (REQUESTS + 1)))
                        .isEqualTo(after.cached());
            });
        }
    }

    private static List<Outcome> concurrently(Request request, boolean virtualThreads) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Outcome>> futures = new ArrayList<>();
        try (ExecutorService threads =
                virtualThreads ? Executors.newVirtualThreadPerTaskExecutor() : Executors.newFixedThreadPool(REQUESTS)) {
            for (int i = 1; i <= REQUESTS; i++) {
                int id = i;
                futures.add(threads.submit(() -> {
                    start.await();
                    return request.run(id);
                }));
            }
            start.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get(60, TimeUnit.SECONDS));
            }
            return outcomes;
        }
    }

    private record Request(RateLimiter perAccount, RateLimiter perClient, Cache cache) {
        Outcome run(int id) {
            long started = System.nanoTime();
            RateLimitDecision account = perAccount.tryAcquire("account:" + id);
            RateLimitDecision client = perClient.tryAcquire("10.0.0." + id);
            String profile = cache.get("profile:" + id, Duration.ofMinutes(1), Codec.string(), () -> "loaded-" + id);
            return new Outcome(
                    Duration.ofNanos(System.nanoTime() - started),
                    account.degraded() || client.degraded(),
                    profile,
                    Thread.currentThread().isInterrupted());
        }
    }

    private record Outcome(Duration took, boolean degraded, String cached, boolean interruptedAfter) {}
}
