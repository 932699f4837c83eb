package social.nova.redis;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * How a {@link Cache} stores values and protects the loader.
 *
 * <p>Config keys (durations ISO-8601):
 * <pre>
 * name:                  default   metric tag and part of the default key prefix
 * key-prefix:            cache:&lt;name&gt;:   prepended to every key (values under v:, fill locks under l:)
 * ttl-jitter:            0.1       each write's TTL is shortened by a random 0..10%, so entries
 *                                  written together do not expire together
 * lock-ttl:              PT5S      how long another process's fill lock keeps others waiting at most
 * lock-wait:             PT1S      how long a process waits for another's fill before loading itself
 * lock-poll-interval:    PT0.05S   how often a waiting process re-reads the value
 * failure-cooldown:      PT1S      after a connection failure or timeout, skip Redis this long
 * failure-log-interval:  PT30S     log Redis failures at most once per interval
 * </pre>
 */
public record CacheSettings(
        String name,
        String keyPrefix,
        double ttlJitter,
        Duration lockTtl,
        Duration lockWait,
        Duration lockPollInterval,
        Duration failureCooldown,
        Duration failureLogInterval) {

    public static final String DEFAULT_NAME = "default";
    public static final double DEFAULT_TTL_JITTER = 0.1;
    public static final Duration DEFAULT_LOCK_TTL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_LOCK_POLL_INTERVAL = Duration.ofMillis(50);
    public static final Duration DEFAULT_FAILURE_COOLDOWN = Duration.ofSeconds(1);
    public static final Duration DEFAULT_FAILURE_LOG_INTERVAL = Duration.ofSeconds(30);

    public CacheSettings {
        Settings.requireText("cache name", name);
        Settings.requireText("cache key-prefix", keyPrefix);
        if (!(ttlJitter >= 0 && ttlJitter < 1)) {
            throw new IllegalArgumentException("cache ttl-jitter must be in [0, 1), was " + ttlJitter);
        }
        Settings.requirePositive("cache lock-ttl", lockTtl);
        Settings.requireNotNegative("cache lock-wait", lockWait);
        Settings.requirePositive("cache lock-poll-interval", lockPollInterval);
        Settings.requireNotNegative("cache failure-cooldown", failureCooldown);
        Settings.requireNotNegative("cache failure-log-interval", failureLogInterval);
    }

    /** All defaults, for a cache of the given name. */
    public static CacheSettings named(String name) {
        return new CacheSettings(
                name,
                defaultPrefix(name),
                DEFAULT_TTL_JITTER,
                DEFAULT_LOCK_TTL,
                DEFAULT_LOCK_WAIT,
                DEFAULT_LOCK_POLL_INTERVAL,
                DEFAULT_FAILURE_COOLDOWN,
                DEFAULT_FAILURE_LOG_INTERVAL);
    }

    /** Reads the keys listed in the class comment. */
    public static CacheSettings create(Config config) {
        String name = config.get("name").asString().orElse(DEFAULT_NAME);
        return new CacheSettings(
                name,
                config.get("key-prefix").asString().orElse(defaultPrefix(name)),
                config.get("ttl-jitter").asDouble().orElse(DEFAULT_TTL_JITTER),
                Settings.duration(config, "lock-ttl", DEFAULT_LOCK_TTL),
                Settings.duration(config, "lock-wait", DEFAULT_LOCK_WAIT),
                Settings.duration(config, "lock-poll-interval", DEFAULT_LOCK_POLL_INTERVAL),
                Settings.duration(config, "failure-cooldown", DEFAULT_FAILURE_COOLDOWN),
                Settings.duration(config, "failure-log-interval", DEFAULT_FAILURE_LOG_INTERVAL));
    }

    /** The same settings with another fill-lock wait (tests). */
    public CacheSettings withLockWait(Duration wait) {
        return new CacheSettings(
                name, keyPrefix, ttlJitter, lockTtl, wait, lockPollInterval, failureCooldown, failureLogInterval);
    }

    /** The same settings with another TTL jitter (tests that time expiry exactly use 0). */
    public CacheSettings withTtlJitter(double jitter) {
        return new CacheSettings(
                name, keyPrefix, jitter, lockTtl, lockWait, lockPollInterval, failureCooldown, failureLogInterval);
    }

    private static String defaultPrefix(String name) {
        return "cache:" + name + ":";
    }
}
