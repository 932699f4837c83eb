package social.nova.redis;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import io.helidon.config.Config;

/**
 * One rate-limit policy: at most {@code limit} permits per key in any sliding {@code window}.
 *
 * <p>Config keys (durations ISO-8601):
 * <pre>
 * name:                  (required)   metric tag and part of the default key prefix, e.g. login
 * key-prefix:            ratelimit:&lt;name&gt;:
 * limit:                 (required)   permits per window, >= 1
 * window:                (required)   e.g. PT1M
 * on-redis-failure:      allow        allow (fail open) or deny (fail closed) while Redis is unreachable
 * failure-retry-after:   PT1S         retryAfter reported when failing closed
 * failure-cooldown:      PT1S         after a connection failure or timeout, skip Redis this long
 * failure-log-interval:  PT30S        log Redis failures at most once per interval
 * </pre>
 *
 * <p>Fail open suits limits that protect capacity on read paths (an outage of Redis should not
 * become an outage of the service); fail closed suits limits that are a security control, such
 * as login or password-reset attempts, where unlimited guessing is worse than a refusal.
 */
public record RateLimiterSettings(
        String name,
        String keyPrefix,
        int limit,
        Duration window,
        FailureMode onRedisFailure,
        Duration failureRetryAfter,
        Duration failureCooldown,
        Duration failureLogInterval) {

    public static final FailureMode DEFAULT_FAILURE_MODE = FailureMode.ALLOW;
    public static final Duration DEFAULT_FAILURE_RETRY_AFTER = Duration.ofSeconds(1);
    public static final Duration DEFAULT_FAILURE_COOLDOWN = Duration.ofSeconds(1);
    public static final Duration DEFAULT_FAILURE_LOG_INTERVAL = Duration.ofSeconds(30);

    /** What a limiter answers while Redis cannot be asked. */
    public enum FailureMode {
        /** Allow the request (fail open): the default. */
        ALLOW,
        /** Deny the request (fail closed), with {@code failure-retry-after}. */
        DENY
    }

    public RateLimiterSettings {
        Settings.requireText("rate limiter name", name);
        Settings.requireText("rate limiter key-prefix", keyPrefix);
        Settings.requirePositive("rate limiter limit", limit);
        Settings.requirePositive("rate limiter window", window);
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("rate limiter window must be at least 1ms, was " + window);
        }
        Objects.requireNonNull(onRedisFailure, "onRedisFailure");
        Settings.requirePositive("rate limiter failure-retry-after", failureRetryAfter);
        Settings.requireNotNegative("rate limiter failure-cooldown", failureCooldown);
        Settings.requireNotNegative("rate limiter failure-log-interval", failureLogInterval);
    }

    /** A policy with defaults for everything but name, limit and window. */
    public static RateLimiterSettings of(String name, int limit, Duration window) {
        return new RateLimiterSettings(
                name,
                defaultPrefix(name),
                limit,
                window,
                DEFAULT_FAILURE_MODE,
                DEFAULT_FAILURE_RETRY_AFTER,
                DEFAULT_FAILURE_COOLDOWN,
                DEFAULT_FAILURE_LOG_INTERVAL);
    }

    /** Reads the keys listed in the class comment. */
    public static RateLimiterSettings create(Config config) {
        String name = config.get("name").asString().get();
        return new RateLimiterSettings(
                name,
                config.get("key-prefix").asString().orElse(defaultPrefix(name)),
                config.get("limit").asInt().get(),
                config.get("window").as(Duration.class).get(),
                config.get("on-redis-failure")
                        .asString()
                        .map(RateLimiterSettings::failureMode)
                        .orElse(DEFAULT_FAILURE_MODE),
                Settings.duration(config, "failure-retry-after", DEFAULT_FAILURE_RETRY_AFTER),
                Settings.duration(config, "failure-cooldown", DEFAULT_FAILURE_COOLDOWN),
                Settings.duration(config, "failure-log-interval", DEFAULT_FAILURE_LOG_INTERVAL));
    }

    /** The same policy with another failure mode. */
    public RateLimiterSettings withOnRedisFailure(FailureMode mode) {
        return new RateLimiterSettings(
                name, keyPrefix, limit, window, mode, failureRetryAfter, failureCooldown, failureLogInterval);
    }

    private static FailureMode failureMode(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "allow" -> FailureMode.ALLOW;
            case "deny" -> FailureMode.DENY;
            default ->
                throw new IllegalArgumentException(
                        "rate limiter on-redis-failure must be allow or deny, was '" + text + "'");
        };
    }

    private static String defaultPrefix(String name) {
        return "ratelimit:" + name + ":";
    }
}
