package social.nova.crypto;

import java.time.Duration;

/** Every Argon2 slot stayed taken for {@link HashingConcurrency#maxWait()}: the caller should come back later. */
public final class PasswordHasherBusyException extends RuntimeException {
    private final Duration retryAfter;

    PasswordHasherBusyException(int maxConcurrent, Duration waited) {
        super("all " + maxConcurrent + " password hashing slots stayed busy for " + waited.toMillis() + " ms");
        this.retryAfter = Duration.ofSeconds(1);
    }

    /** When a new attempt has a fair chance. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
