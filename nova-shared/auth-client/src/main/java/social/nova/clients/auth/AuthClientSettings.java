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
 * @param jwksRefreshAhead how long before the keys reach the max age auth-service announces a
 *                         request starts fetching them again in the background, without waiting
 *                         for the answer ({@code jwks-refresh-ahead}, 60s)
 * @param jwksMaxStale     how long past their max age the last keys fetched stay in use while
 *                         auth-service does not answer; after that tokens are refused with
 *                         UNAVAILABLE ({@code jwks-max-stale}, 1h: longer than an access token lives,
 *                         so an outage of auth-service does not sign anybody out, and short enough
 *                         that a key auth-service withdrew stops being honoured within the hour)
 */
public record AuthClientSettings(
        JwtSettings jwt,
        Duration minRefetchGap,
        Duration fetchDeadline,
        Duration verifiedTtl,
        long verifiedMaxSize,
        Duration jwksRefreshAhead,
        Duration jwksMaxStale) {
    public static final Duration DEFAULT_MIN_REFETCH_GAP = Duration.ofSeconds(5);
    public static final Duration DEFAULT_FETCH_DEADLINE = Duration.ofSeconds(2);
    public static final Duration DEFAULT_VERIFIED_TTL = Duration.ofSeconds(60);
    public static final long DEFAULT_VERIFIED_MAX_SIZE = 10_000;
    public static final Duration DEFAULT_JWKS_REFRESH_AHEAD = Duration.ofSeconds(60);
    public static final Duration DEFAULT_JWKS_MAX_STALE = Duration.ofHours(1);

    public AuthClientSettings {
        if (verifiedTtl.isNegative() || verifiedMaxSize < 0) {
            throw new IllegalArgumentException("auth-client.verified-cache.ttl and max-size must not be negative");
        }
        if (jwksRefreshAhead.isNegative() || jwksMaxStale.isNegative()) {
            throw new IllegalArgumentException(
                    "auth-client.jwks-refresh-ahead and jwks-max-stale must not be negative");
        }
    }

    public static AuthClientSettings defaults() {
        return new AuthClientSettings(
                JwtSettings.defaults(),
                DEFAULT_MIN_REFETCH_GAP,
                DEFAULT_FETCH_DEADLINE,
                DEFAULT_VERIFIED_TTL,
                DEFAULT_VERIFIED_MAX_SIZE,
                DEFAULT_JWKS_REFRESH_AHEAD,
                DEFAULT_JWKS_MAX_STALE);
    }

    public static AuthClientSettings create(Config config) {
        return new AuthClientSettings(
                JwtSettings.create(config.get("jwt")),
                config.get("min-refetch-gap").as(Duration.class).orElse(DEFAULT_MIN_REFETCH_GAP),
                config.get("fetch-deadline").as(Duration.class).orElse(DEFAULT_FETCH_DEADLINE),
                config.get("verified-cache.ttl").as(Duration.class).orElse(DEFAULT_VERIFIED_TTL),
                config.get("verified-cache.max-size").asLong().orElse(DEFAULT_VERIFIED_MAX_SIZE),
                config.get("jwks-refresh-ahead").as(Duration.class).orElse(DEFAULT_JWKS_REFRESH_AHEAD),
                config.get("jwks-max-stale").as(Duration.class).orElse(DEFAULT_JWKS_MAX_STALE));
    }
}
