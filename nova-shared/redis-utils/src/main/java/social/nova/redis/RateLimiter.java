package social.nova.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A sliding-window rate limiter shared by every instance of a service: at most {@code limit}
 * permits per key (an account id, a client IP) in any window of {@code window}.
 *
 * <p>The whole check-and-take runs in one Lua script, so concurrent callers on any number of
 * processes can never take more than the limit. Each key is a sorted set of the permit times in
 * the last window, timed by the Redis server's clock (so client clocks need not agree); memory is
 * at most {@code limit} entries per active key, and idle keys expire after one window.
 *
 * <p>When Redis is unreachable the configured {@link RateLimiterSettings.FailureMode} answers,
 * marked {@link RateLimitDecision#degraded()}; the failure is counted and logged at most once per
 * interval.
 */
public final class RateLimiter {
    private static final String COMPONENT = "rate-limiter";

    // KEYS[1] permit log; ARGV: limit, window ms, a unique suffix for this permit's member.
    // Returns {allowed 0|1, remaining, retry-after ms}.
    private static final LuaScript SLIDING_WINDOW = new LuaScript("""
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local limit = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            local used = redis.call('ZCARD', KEYS[1])
            if used < limit then
              redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
              redis.call('PEXPIRE', KEYS[1], window)
              return {1, limit - used - 1, 0}
            end
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local retry = tonumber(oldest[2]) + window - now
            if retry < 1 then retry = 1 end
            return {0, 0, retry}
            """);

    private final UnifiedJedis redis;
    private final RateLimiterSettings settings;
    private final RedisFailureGuard guard;
    private final Counter allowed;
    private final Counter denied;
    private final Counter degraded;

    /**
     * @param redis    the shared client (not closed by the limiter)
     * @param settings the policy
     * @param registry where {@code nova.ratelimit.decisions{limiter,result}} goes
     */
    public RateLimiter(UnifiedJedis redis, RateLimiterSettings settings, MeterRegistry registry) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(registry, "registry");
        this.guard = new RedisFailureGuard(
                redis, COMPONENT, settings.name(), registry, settings.failureCooldown(), settings.failureLogInterval());
        this.allowed = decisions(registry, "allowed");
        this.denied = decisions(registry, "denied");
        this.degraded = decisions(registry, "degraded");
    }

    /**
     * Takes one permit for {@code key} if the window has one left.
     *
     * @throws IllegalArgumentException for a blank key
     */
    public RateLimitDecision tryAcquire(String key) {
        Settings.requireText("rate limit key", key);
        if (!guard.redisAvailable()) {
            return failureDecision();
        }
        List<?> reply;
        try {
            reply = (List<?>) SLIDING_WINDOW.run(
                    redis,
                    List.of(settings.keyPrefix() + key),
                    List.of(
                            Integer.toString(settings.limit()),
                            Long.toString(settings.window().toMillis()),
                            Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), Character.MAX_RADIX)));
        } catch (JedisException e) {
            guard.recordFailure("rate limit script", e);
            return failureDecision();
        }
        boolean permitted = ((Long) reply.get(0)) == 1L;
        RateLimitDecision decision =
                new RateLimitDecision(permitted, (Long) reply.get(1), Duration.ofMillis((Long) reply.get(2)), false);
        (permitted ? allowed : denied).increment();
        return decision;
    }

    public RateLimiterSettings settings() {
        return settings;
    }

    private RateLimitDecision failureDecision() {
        degraded.increment();
        return settings.onRedisFailure() == RateLimiterSettings.FailureMode.ALLOW
                ? new RateLimitDecision(true, 0, Duration.ZERO, true)
                : new RateLimitDecision(false, 0, settings.failureRetryAfter(), true);
    }

    private Counter decisions(MeterRegistry registry, String result) {
        return Counter.builder("nova.ratelimit.decisions")
                .description("Rate-limit decisions; degraded ones were made without Redis")
                .tag("limiter", settings.name())
                .tag("result", result)
                .register(registry);
    }
}
