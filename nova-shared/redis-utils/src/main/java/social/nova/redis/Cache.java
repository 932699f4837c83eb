package social.nova.redis;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Cache-aside over Redis: {@link #get} returns the cached value or loads, stores and returns it.
 *
 * <p>Stampede protection has two layers. In this process, concurrent misses for one key share a
 * single load. Across processes, the loader that wins a short Redis lock ({@code SET NX PX}) fills
 * the key while the others re-read it for up to {@code lock-wait}, then load themselves.
 *
 * <p>Redis is an optimisation here, never a dependency: when it is down or slow, {@code get}
 * behaves as a miss and returns the loader's value; the failure is counted
 * ({@code nova.redis.failures{component=cache}}), logged at most once per interval, and Redis is
 * skipped for {@code failure-cooldown} so callers do not each wait for a timeout. Exceptions
 * thrown by the loader itself reach the caller unchanged.
 *
 * <p>One key holds one type: callers sharing a key must use the same codec. A value loaded while
 * {@link #invalidate} runs may still be written afterwards; the TTL bounds that staleness.
 */
public final class Cache {
    private static final System.Logger LOGGER = System.getLogger(Cache.class.getName());
    private static final String COMPONENT = "cache";
    private static final LuaScript RELEASE_LOCK = new LuaScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    private final UnifiedJedis redis;
    private final CacheSettings settings;
    private final RedisFailureGuard guard;
    private final ThrottledLogger decodeLog;
    private final SingleFlight singleFlight = new SingleFlight();
    private final Counter hits;
    private final Counter misses;
    private final Counter loads;

    /**
     * @param redis    the shared client (not closed by the cache)
     * @param settings key prefix, jitter, lock and failure handling
     * @param registry where {@code nova.cache.requests{cache,result}} and {@code nova.cache.loads} go
     */
    public Cache(UnifiedJedis redis, CacheSettings settings, MeterRegistry registry) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(registry, "registry");
        this.guard = new RedisFailureGuard(
                redis, COMPONENT, settings.name(), registry, settings.failureCooldown(), settings.failureLogInterval());
        this.decodeLog = new ThrottledLogger(LOGGER, settings.failureLogInterval());
        this.hits = requests(registry, "hit");
        this.misses = requests(registry, "miss");
        this.loads = Counter.builder("nova.cache.loads")
                .description("Loader calls made by the cache")
                .tag("cache", settings.name())
                .register(registry);
    }

    /**
     * The cached value of {@code key}, or the loader's value, which is then cached for about
     * {@code ttl} (shortened by up to {@code ttl-jitter}). A {@code null} from the loader is
     * returned but not cached.
     *
     * @throws IllegalArgumentException for a blank key or a TTL that is not positive
     * @throws RuntimeException         whatever the loader throws
     */
    public <T> T get(String key, Duration ttl, Codec<T> codec, Supplier<T> loader) {
        Settings.requireText("cache key", key);
        Settings.requirePositive("cache ttl", ttl);
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(loader, "loader");

        Lookup<T> cached = read(key, codec);
        if (cached.hit()) {
            hits.increment();
            return cached.value();
        }
        misses.increment();
        return singleFlight.run(key, () -> fill(key, ttl, codec, loader));
    }

    /** Removes the cached value; a Redis failure is counted and logged, not thrown. */
    public void invalidate(String key) {
        Settings.requireText("cache key", key);
        if (!guard.redisAvailable()) {
            return;
        }
        try {
            redis.del(valueKey(key));
        } catch (JedisException e) {
            guard.recordFailure("DEL", e);
        }
    }

    private <T> T fill(String key, Duration ttl, Codec<T> codec, Supplier<T> loader) {
        if (!guard.redisAvailable()) {
            return load(loader);
        }
        String token = UUID.randomUUID().toString();
        FillLock lock = tryLock(key, token);
        if (lock == FillLock.UNKNOWN) {
            return load(loader);
        }
        if (lock == FillLock.OURS) {
            try {
                // Another process may have filled the key between our miss and our lock.
                Lookup<T> filled = read(key, codec);
                if (filled.hit()) {
                    return filled.value();
                }
                T value = load(loader);
                write(key, value, ttl, codec);
                return value;
            } finally {
                unlock(key, token);
            }
        }
        Lookup<T> filled = awaitOtherLoader(key, codec);
        if (filled.hit()) {
            return filled.value();
        }
        T value = load(loader);
        write(key, value, ttl, codec);
        return value;
    }

    /** Re-reads the key while another process fills it, up to {@code lock-wait}. */
    private <T> Lookup<T> awaitOtherLoader(String key, Codec<T> codec) {
        long deadline = System.nanoTime() + settings.lockWait().toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(
                        Math.min(settings.lockPollInterval().toNanos(), Math.max(0, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Lookup.miss();
            }
            if (!guard.redisAvailable()) {
                return Lookup.miss();
            }
            Lookup<T> lookup = read(key, codec);
            if (lookup.hit()) {
                return lookup;
            }
        }
        return Lookup.miss();
    }

    private <T> T load(Supplier<T> loader) {
        loads.increment();
        return loader.get();
    }

    private <T> Lookup<T> read(String key, Codec<T> codec) {
        if (!guard.redisAvailable()) {
            return Lookup.miss();
        }
        String text;
        try {
            text = redis.get(valueKey(key));
        } catch (JedisException e) {
            guard.recordFailure("GET", e);
            return Lookup.miss();
        }
        if (text == null) {
            return Lookup.miss();
        }
        try {
            return Lookup.hit(codec.decode(text));
        } catch (RuntimeException e) {
            // A value written by an older codec: treat as a miss, the fill overwrites it.
            decodeLog.log(
                    Level.WARNING,
                    "cache '" + settings.name() + "': cannot decode the value of a key," + " treating it as a miss",
                    e);
            return Lookup.miss();
        }
    }

    private <T> void write(String key, T value, Duration ttl, Codec<T> codec) {
        if (value == null || !guard.redisAvailable()) {
            return;
        }
        String text = codec.encode(value);
        try {
            redis.set(valueKey(key), text, SetParams.setParams().px(jittered(ttl)));
        } catch (JedisException e) {
            guard.recordFailure("SET", e);
        }
    }

    /** Who holds a key's fill lock after {@link #tryLock}. */
    private enum FillLock {
        /** We do: we load and fill. */
        OURS,
        /** Another process does: we wait for its value. */
        THEIRS,
        /** Redis failed: we load without filling. */
        UNKNOWN
    }

    private FillLock tryLock(String key, String token) {
        try {
            String reply = redis.set(
                    lockKey(key),
                    token,
                    SetParams.setParams().nx().px(settings.lockTtl().toMillis()));
            return "OK".equals(reply) ? FillLock.OURS : FillLock.THEIRS;
        } catch (JedisException e) {
            guard.recordFailure("SET NX", e);
            return FillLock.UNKNOWN;
        }
    }

    private void unlock(String key, String token) {
        if (!guard.redisAvailable()) {
            return; // the lock expires by itself
        }
        try {
            RELEASE_LOCK.run(redis, List.of(lockKey(key)), List.of(token));
        } catch (JedisException e) {
            guard.recordFailure("unlock", e);
        }
    }

    long jittered(Duration ttl) {
        long millis = ttl.toMillis();
        long maxCut = (long) (millis * settings.ttlJitter());
        long cut = maxCut > 0 ? ThreadLocalRandom.current().nextLong(maxCut + 1) : 0;
        return Math.max(1, millis - cut);
    }

    private String valueKey(String key) {
        return settings.keyPrefix() + "v:" + key;
    }

    private String lockKey(String key) {
        return settings.keyPrefix() + "l:" + key;
    }

    private Counter requests(MeterRegistry registry, String result) {
        return Counter.builder("nova.cache.requests")
                .description("Cache lookups by result")
                .tag("cache", settings.name())
                .tag("result", result)
                .register(registry);
    }

    private record Lookup<T>(boolean hit, T value) {
        static <T> Lookup<T> hit(T value) {
            return new Lookup<>(true, value);
        }

        static <T> Lookup<T> miss() {
            return new Lookup<>(false, null);
        }
    }
}
