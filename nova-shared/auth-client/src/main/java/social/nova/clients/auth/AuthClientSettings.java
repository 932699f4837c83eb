package social.nova.clients.auth;

import java.time.Duration;

import io.helidon.config.Config;
import social.nova.crypto.JwtSettings;

/**
 * Settings of the auth client (config block {@code auth-client}).
 *
 * @param jwt              issuer and audience tokens must carry, and the allowed clock skew ({@code jwt})
 * @param minRefetchGap    the shortest time between two JWKS fetches caused by unknown key ids, so a
 *                         flood of forged tokens cannot turn into a flood of calls ({@code min-refetch-gap}, 5s)
 * @param fetchDeadline    deadline of one GetPublicKeys call ({@code fetch-deadline}, 2s)
 * @param verifiedTtl      how long a token that verified is taken as verified again without its
 *                         ECDSA signature being checked, never past its own expiry
 *                         ({@code verified-cache.ttl}, 60s; 0 turns the cache off)
 * @param verifiedMaxSize  the most tokens remembered ({@code verified-cache.max-size}, 10,000)
 */
public record AuthClientSettings(JwtSettings jwt, Duration minRefetchGap, Duration fetchDeadline, Duration verifiedTtl,
                                 long verifiedMaxSize) {
    public static final Duration DEFAULT_VERIFIED_TTL = Duration.ofSeconds(60);
    public static final long DEFAULT_VERIFIED_MAX_SIZE = 10_000;

    public AuthClientSettings {
        if (verifiedTtl.isNegative() || verifiedMaxSize < 0) {
            throw new IllegalArgumentException("auth-client.verified-cache.ttl and max-size must not be negative");
        }
    }

    public static AuthClientSettings defaults() {
        return new AuthClientSettings(JwtSettings.defaults(), Duration.ofSeconds(5), Duration.ofSeconds(2),
                DEFAULT_VERIFIED_TTL, DEFAULT_VERIFIED_MAX_SIZE);
    }

    public static AuthClientSettings create(Config config) {
        return new AuthClientSettings(JwtSettings.create(config.get("jwt")),
                config.get("min-refetch-gap").as(Duration.class).orElse(Duration.ofSeconds(5)),
                config.get("fetch-deadline").as(Duration.class).orElse(Duration.ofSeconds(2)),
                config.get("verified-cache.ttl").as(Duration.class).orElse(DEFAULT_VERIFIED_TTL),
                config.get("verified-cache.max-size").asLong().orElse(DEFAULT_VERIFIED_MAX_SIZE));
    }
}
