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
 */
public record AuthClientSettings(JwtSettings jwt, Duration minRefetchGap, Duration fetchDeadline) {

    public static AuthClientSettings defaults() {
        return new AuthClientSettings(JwtSettings.defaults(), Duration.ofSeconds(5), Duration.ofSeconds(2));
    }

    public static AuthClientSettings create(Config config) {
        return new AuthClientSettings(JwtSettings.create(config.get("jwt")),
                config.get("min-refetch-gap").as(Duration.class).orElse(Duration.ofSeconds(5)),
                config.get("fetch-deadline").as(Duration.class).orElse(Duration.ofSeconds(2)));
    }
}
