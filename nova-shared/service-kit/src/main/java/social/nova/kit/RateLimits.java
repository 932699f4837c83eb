package social.nova.kit;

import java.time.Duration;

import social.nova.errors.NovaException;
import social.nova.redis.RateLimitDecision;
import social.nova.redis.RateLimiter;

/**
 * The one way a service refuses a call over its limit: RESOURCE_EXHAUSTED, reason
 * {@code RATE_LIMITED}, with RetryInfo and the service's error domain.
 */
public final class RateLimits {
    /** The retry hint when the limiter gives none (it failed open or closed without a window). */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private RateLimits() {}

    /** Takes one permit for {@code key}, or throws RATE_LIMITED in {@code domain}. */
    public static void enforce(RateLimiter limiter, String key, String domain) {
        RateLimitDecision decision = limiter.tryAcquire(key);
        if (!decision.allowed()) {
            throw NovaException.rateLimited(
                            decision.retryAfter().isZero() ? DEFAULT_RETRY_AFTER : decision.retryAfter())
                    .toBuilder()
                    .domain(domain)
                    .build();
        }
    }
}
