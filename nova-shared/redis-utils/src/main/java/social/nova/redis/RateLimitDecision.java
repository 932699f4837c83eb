package social.nova.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer of a {@link RateLimiter}.
 *
 * @param allowed    whether the request may proceed (a permit was taken)
 * @param remaining  permits left in the current window after this one (0 when denied)
 * @param retryAfter when denied, how long until a permit frees up; zero when allowed
 * @param degraded   true when Redis could not be asked and the configured failure mode answered
 */
public record RateLimitDecision(boolean allowed, long remaining, Duration retryAfter, boolean degraded) {
    public RateLimitDecision {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining must be >= 0, was " + remaining);
        }
    }
}
