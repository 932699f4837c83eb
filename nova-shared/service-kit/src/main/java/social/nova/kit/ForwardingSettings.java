package social.nova.kit;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * How the gateway's forwarded client address is signed and checked (config block
 * {@code forwarding}; see {@link ForwardedFor}).
 *
 * @param secret the HMAC key shared by the gateway and the services ({@code forwarding.secret},
 *               environment {@code FORWARDING_SECRET}; no default: without it a service ignores
 *               {@code x-forwarded-for}, and the gateway refuses to start). At least 32 characters.
 * @param maxAge how far the signature's time may be from the receiver's clock
 *               ({@code forwarding.max-age}, PT30S: the gateway's request timeout with its
 *               retries, plus clock skew; a captured header replays for no longer than that)
 */
public record ForwardingSettings(Optional<String> secret, Duration maxAge) {
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(30);
    public static final int MIN_SECRET_LENGTH = 32;
    static final String MISSING_SECRET = "forwarding.secret (environment FORWARDING_SECRET) is not set: "
            + "the gateway signs the client addresses it forwards with it";

    public ForwardingSettings {
        Objects.requireNonNull(secret, "secret");
        secret = secret.filter(s -> !s.isBlank());
        if (secret.isPresent() && secret.get().length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("forwarding.secret must be at least " + MIN_SECRET_LENGTH
                    + " characters, was " + secret.get().length());
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("forwarding.max-age must be positive, was " + maxAge);
        }
    }

    /** Reads the {@code forwarding} node. */
    public static ForwardingSettings create(Config forwarding) {
        return new ForwardingSettings(
                forwarding.get("secret").asString().asOptional(),
                forwarding.get("max-age").as(Duration.class).orElse(DEFAULT_MAX_AGE));
    }
}
