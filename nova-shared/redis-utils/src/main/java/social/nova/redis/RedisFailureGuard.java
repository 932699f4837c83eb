package social.nova.redis;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What the cache and the rate limiter do when Redis fails: count it ({@code nova.redis.failures}),
 * log it at most once per interval, and after a connection failure or timeout skip Redis for a
 * short cool-down, so that callers of a dead or hung Redis do not each wait for a timeout.
 *
 * <p>The cool-down belongs to the client, not to one component: every cache and rate limiter on
 * the same client skips Redis once any of them found it unreachable. A request that checks two
 * limits (per account and per client address) and reads the cache pays for a hung Redis once.
 */
final class RedisFailureGuard {
    private static final System.Logger LOGGER = System.getLogger(RedisFailureGuard.class.getName());
    /** Per client: the nanoTime until which Redis is skipped. Weak keys: a closed client goes away. */
    private static final Map<UnifiedJedis, AtomicLong> BYPASS_BY_CLIENT =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final String description;
    private final Counter failures;
    private final long cooldownNanos;
    private final Duration cooldown;
    private final ThrottledLogger log;
    private final AtomicLong bypassUntil;

    RedisFailureGuard(
            UnifiedJedis redis,
            String component,
            String name,
            MeterRegistry registry,
            Duration cooldown,
            Duration logInterval) {
        this.bypassUntil = BYPASS_BY_CLIENT.computeIfAbsent(redis, client -> new AtomicLong(System.nanoTime()));
        this.description = component + " '" + name + "'";
        this.cooldown = Settings.requireNotNegative(component + " failure-cooldown", cooldown);
        this.cooldownNanos = cooldown.toNanos();
        this.failures = Counter.builder("nova.redis.failures")
                .description("Redis calls that failed (connection refused, timeout, error reply)")
                .tag("component", component)
                .tag("name", name)
                .register(registry);
        this.log = new ThrottledLogger(LOGGER, logInterval);
    }

    /** False while in the cool-down after a connection failure. */
    boolean redisAvailable() {
        return System.nanoTime() - bypassUntil.get() >= 0;
    }

    void recordFailure(String operation, JedisException error) {
        failures.increment();
        // An error reply means Redis answered; anything else (refused, timeout, pool exhausted)
        // means it did not, and the next caller would likely wait just as long.
        boolean unreachable = !(error instanceof JedisDataException);
        if (unreachable) {
            long until = System.nanoTime() + cooldownNanos;
            // Another component's longer cool-down stands.
            bypassUntil.accumulateAndGet(until, (current, next) -> next - current > 0 ? next : current);
        }
        log.log(
                Level.WARNING,
                description + ": Redis " + operation + " failed"
                        + (unreachable ? ", bypassing Redis for " + cooldown : ""),
                error);
    }
}
