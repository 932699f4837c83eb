package social.nova.auth;

import java.time.Duration;

import io.helidon.config.Config;
import social.nova.crypto.JwtSettings;
import social.nova.crypto.PasswordHashSettings;
import social.nova.crypto.TotpSettings;
import social.nova.redis.RateLimiterSettings;

/**
 * auth-service's tunables (config block {@code auth}); every one has a default.
 *
 * @param jwt                 issuer, audience, access-token lifetime ({@code auth.jwt})
 * @param passwords           Argon2id parameters ({@code auth.passwords})
 * @param totp                TOTP parameters ({@code auth.totp})
 * @param refreshTokenTtl     lifetime of a refresh token ({@code auth.refresh-token-ttl}, 30 days)
 * @param refreshRetryGrace   how long after a Refresh the same refresh token may be presented again
 *                            and get the same answer, for a client whose answer was lost
 *                            ({@code auth.refresh-retry-grace}, 10 s); later reuse revokes the session
 * @param keyRotation         how often the signing key rotates ({@code auth.keys.rotate-every}, 7 days)
 * @param keyReload           how often an instance re-reads the shared key ring ({@code auth.keys.reload-every}, 1 min)
 * @param jwksMaxAge          how long clients may cache the public keys ({@code auth.keys.jwks-max-age}, 5 min)
 * @param loginPerAccount     login attempts per email ({@code auth.limits.login-per-account}: 10 per 5 min)
 * @param loginPerClient      login attempts per client address ({@code auth.limits.login-per-client}: 30 per min)
 * @param registerPerClient   registrations per client address ({@code auth.limits.register-per-client}: 10 per hour)
 * @param totpPerAccount      TOTP code checks per account ({@code auth.limits.totp-per-account}: 5 per 5 min)
 */
public record AuthSettings(
        JwtSettings jwt,
        PasswordHashSettings passwords,
        TotpSettings totp,
        Duration refreshTokenTtl,
        Duration refreshRetryGrace,
        Duration keyRotation,
        Duration keyReload,
        Duration jwksMaxAge,
        RateLimiterSettings loginPerAccount,
        RateLimiterSettings loginPerClient,
        RateLimiterSettings registerPerClient,
        RateLimiterSettings totpPerAccount) {

    public AuthSettings {
        if (refreshRetryGrace.isNegative()) {
            throw new IllegalArgumentException("auth.refresh-retry-grace must not be negative: " + refreshRetryGrace);
        }
    }

    public static AuthSettings create(Config auth) {
        return new AuthSettings(
                JwtSettings.create(auth.get("jwt")),
                PasswordHashSettings.create(auth.get("passwords")),
                TotpSettings.create(auth.get("totp")),
                auth.get("refresh-token-ttl").as(Duration.class).orElse(Duration.ofDays(30)),
                auth.get("refresh-retry-grace").as(Duration.class).orElse(Duration.ofSeconds(10)),
                auth.get("keys.rotate-every").as(Duration.class).orElse(Duration.ofDays(7)),
                auth.get("keys.reload-every").as(Duration.class).orElse(Duration.ofMinutes(1)),
                auth.get("keys.jwks-max-age").as(Duration.class).orElse(Duration.ofMinutes(5)),
                limit(auth.get("limits.login-per-account"), "auth-login-account", 10, Duration.ofMinutes(5)),
                limit(auth.get("limits.login-per-client"), "auth-login-client", 30, Duration.ofMinutes(1)),
                limit(auth.get("limits.register-per-client"), "auth-register-client", 10, Duration.ofHours(1)),
                limit(auth.get("limits.totp-per-account"), "auth-totp-account", 5, Duration.ofMinutes(5)));
    }

    /**
     * A limit with overridable {@code limit} and {@code window}. Limits fail open while Redis is
     * down: Nova keeps logins working through a Redis outage, accepting that brute-force
     * protection pauses with it (the password hash cost still bounds guessing).
     */
    private static RateLimiterSettings limit(Config node, String name, int limit, Duration window) {
        return RateLimiterSettings.of(
                name,
                node.get("limit").asInt().orElse(limit),
                node.get("window").as(Duration.class).orElse(window));
    }
}
