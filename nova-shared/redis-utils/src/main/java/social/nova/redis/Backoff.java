package social.nova.redis;

import java.time.Duration;

/**
 * Exponential back-off between retries of a background loop: {@code initial}, doubled per
 * consecutive failure, never above {@code max}. Keeps a loop whose dependency is down from
 * spinning.
 *
 * @param initial the first delay
 * @param max     the ceiling
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        Settings.requirePositive("backoff initial", initial);
        Settings.requirePositive("backoff max", max);
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff max (" + max + ") must be >= initial (" + initial + ")");
        }
    }

    /** The delay before retry number {@code failures} (1 for the first retry). */
    public Duration delay(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, Long.SIZE - 2));
        long maxMillis = max.toMillis();
        long millis = initial.toMillis();
        for (int i = 0; i < doublings && millis < maxMillis; i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxMillis));
    }
}
