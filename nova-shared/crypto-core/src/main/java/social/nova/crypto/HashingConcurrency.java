package social.nova.crypto;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * How many Argon2 computations a {@link PasswordHasher} runs at once. Each one holds
 * {@code memory-kib} of heap and a core for tens of milliseconds, so a burst of sign-ins must queue
 * for the cores, briefly, instead of running side by side until the heap is gone.
 * <p>Config keys (under the same node as {@link PasswordHashSettings}), with defaults:
 * <pre>
 * max-concurrent: (the number of cores)   # hashes computed at once
 * max-wait: PT0.5S                        # longest wait for a turn; then PasswordHasherBusyException
 * </pre>
 *
 * @param maxConcurrent hashes computed at once, at least 1
 * @param maxWait       the longest a caller waits for its turn before it is refused
 */
public record HashingConcurrency(int maxConcurrent, Duration maxWait) {
    public HashingConcurrency {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("max-concurrent must be at least 1");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("max-wait must not be negative");
        }
    }

    /** As many hashes at once as there are cores, each waiting at most half a second for its turn. */
    public static HashingConcurrency defaults() {
        return new HashingConcurrency(Runtime.getRuntime().availableProcessors(), Duration.ofMillis(500));
    }

    public static HashingConcurrency create(Config config) {
        HashingConcurrency defaults = defaults();
        return new HashingConcurrency(
                config.get("max-concurrent").asInt().orElse(defaults.maxConcurrent()),
                config.get("max-wait").as(Duration.class).orElse(defaults.maxWait()));
    }
}
