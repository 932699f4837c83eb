package social.nova.fcm;

import java.time.Duration;

import io.github.resilience4j.core.IntervalFunction;
import io.helidon.config.Config;

/**
 * How {@link FcmClient} retries a message FCM did not take for now (429, 500, 502, 503, 504, no
 * answer).
 *
 * <p>Config keys (under {@code fcm.retry}; durations ISO-8601):
 * <pre>
 * max-attempts:     5       HTTP attempts per message, the first included
 * backoff-initial:  PT0.5S  wait before the second attempt, doubled per attempt, +-50 % jitter...
 * backoff-max:      PT30S   ...up to this; a longer Retry-After from FCM wins
 * deadline:         PT60S   a message still unsent this long after send() began is given up
 * </pre>
 */
public record FcmRetrySettings(int maxAttempts, Duration backoffInitial, Duration backoffMax, Duration deadline) {
    private static final double MULTIPLIER = 2.0;
    private static final double JITTER = 0.5;

    public FcmRetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("fcm.retry.max-attempts must be >= 1, was " + maxAttempts);
        }
        FcmSettings.positive("fcm.retry.backoff-initial", backoffInitial);
        FcmSettings.positive("fcm.retry.backoff-max", backoffMax);
        FcmSettings.positive("fcm.retry.deadline", deadline);
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("fcm.retry.backoff-max (" + backoffMax
                    + ") must be >= fcm.retry.backoff-initial (" + backoffInitial + ")");
        }
    }

    public static FcmRetrySettings defaults() {
        return create(Config.empty());
    }

    /** Reads the keys listed in the class comment. */
    public static FcmRetrySettings create(Config config) {
        return new FcmRetrySettings(
                config.get("max-attempts").asInt().orElse(5),
                config.get("backoff-initial").as(Duration.class).orElse(Duration.ofMillis(500)),
                config.get("backoff-max").as(Duration.class).orElse(Duration.ofSeconds(30)),
                config.get("deadline").as(Duration.class).orElse(Duration.ofSeconds(60)));
    }

    /** The wait before attempt {@code n + 1} after {@code n} failed ones (Resilience4j, with jitter). */
    IntervalFunction backoff() {
        return IntervalFunction.ofExponentialRandomBackoff(backoffInitial, MULTIPLIER, JITTER, backoffMax);
    }
}
