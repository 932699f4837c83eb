package social.nova.crypto;

import java.time.Duration;
import java.util.Objects;

import io.helidon.config.Config;

/**
 * What Nova's access tokens say and how strictly they are checked.
 * <p>
 * Config keys (under the node given to {@link #create(Config)}), with defaults:
 * <pre>
 * issuer: https://auth.nova.social   # iss, set by the signer and required by verifiers
 * audience: nova                     # aud, set by the signer and required by verifiers
 * access-token-ttl: PT15M            # lifetime of an access token (ISO-8601 duration)
 * clock-skew: PT30S                  # tolerated clock difference between services
 * </pre>
 * The {@link KeyRing} keeps a rotated-out key for {@code access-token-ttl + clock-skew}, the
 * longest any token it signed can still be accepted.
 *
 * @param issuer         the {@code iss} claim
 * @param audience       the {@code aud} claim
 * @param accessTokenTtl how long an access token is valid
 * @param clockSkew      how far {@code exp}, {@code iat} and {@code nbf} may be off
 */
public record JwtSettings(String issuer, String audience, Duration accessTokenTtl, Duration clockSkew) {
    public static final String DEFAULT_ISSUER = "https://auth.nova.social";
    public static final String DEFAULT_AUDIENCE = "nova";
    public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofMinutes(15);
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    public JwtSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        if (issuer.isBlank() || audience.isBlank()) {
            throw new IllegalArgumentException("issuer and audience must not be blank");
        }
        if (accessTokenTtl.isNegative() || accessTokenTtl.isZero() || accessTokenTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("access-token-ttl must be at least one second: " + accessTokenTtl);
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clock-skew must not be negative: " + clockSkew);
        }
    }

    /** The defaults listed above. */
    public static JwtSettings defaults() {
        return new JwtSettings(DEFAULT_ISSUER, DEFAULT_AUDIENCE, DEFAULT_ACCESS_TOKEN_TTL, DEFAULT_CLOCK_SKEW);
    }

    /** Reads the settings from {@code config}; missing keys take the defaults. */
    public static JwtSettings create(Config config) {
        return new JwtSettings(
                config.get("issuer").asString().orElse(DEFAULT_ISSUER),
                config.get("audience").asString().orElse(DEFAULT_AUDIENCE),
                config.get("access-token-ttl").as(Duration.class).orElse(DEFAULT_ACCESS_TOKEN_TTL),
                config.get("clock-skew").as(Duration.class).orElse(DEFAULT_CLOCK_SKEW));
    }

    /** How long a key must keep verifying after it stopped signing. */
    public Duration keyRetention() {
        return accessTokenTtl.plus(clockSkew);
    }
}
