package social.nova.rpc;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * How idempotent unary calls are retried on UNAVAILABLE (config block {@code retry}); see
 * {@link RetryInterceptor}. The n-th retry waits {@code initialBackoff * multiplier^(n-1)}, capped
 * at {@code maxBackoff}, spread by {@code ±jitter} of itself.
 *
 * @param maxAttempts    attempts in all, the first included; 1 turns retries off
 *                       ({@code max-attempts}, 3)
 * @param initialBackoff wait before the first retry, at least 1 ms ({@code initial-backoff}, PT0.05S)
 * @param multiplier     growth of the wait per retry ({@code multiplier}, 2.0)
 * @param jitter         randomization factor in [0, 1] ({@code jitter}, 0.2)
 * @param maxBackoff     the longest wait between attempts ({@code max-backoff}, PT1S)
 */
public record RetrySettings(
        int maxAttempts, Duration initialBackoff, double multiplier, double jitter, Duration maxBackoff) {

    public static final RetrySettings DEFAULTS =
            new RetrySettings(3, Duration.ofMillis(50), 2.0, 0.2, Duration.ofSeconds(1));

    public RetrySettings {
        if (initialBackoff.toMillis() < 1 || maxBackoff.toMillis() < 1) {
            throw new IllegalArgumentException("retry backoffs must be at least 1 ms");
        }
    }

    public static RetrySettings create(Config node) {
        return create(node, DEFAULTS);
    }

    /** Reads the keys present under {@code node}; absent keys keep {@code fallback}'s values. */
    public static RetrySettings create(Config node, RetrySettings fallback) {
        Duration initial = ConfigValues.positiveDuration(node, "initial-backoff", fallback.initialBackoff);
        Duration max = ConfigValues.positiveDuration(node, "max-backoff", fallback.maxBackoff);
        if (initial.toMillis() < 1) {
            throw ConfigValues.invalid(node, "initial-backoff", "must be at least 1 ms", initial);
        }
        if (max.compareTo(initial) < 0) {
            throw ConfigValues.invalid(node, "max-backoff", "must not be below initial-backoff " + initial, max);
        }
        return new RetrySettings(
                ConfigValues.positiveInt(node, "max-attempts", fallback.maxAttempts),
                initial,
                ConfigValues.atLeast(node, "multiplier", 1.0, fallback.multiplier),
                ConfigValues.between(node, "jitter", 0.0, 1.0, fallback.jitter),
                max);
    }
}
