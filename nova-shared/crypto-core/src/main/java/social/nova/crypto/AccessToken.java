package social.nova.crypto;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The claims of a Nova access token. Times have whole-second precision, as in the JWT.
 *
 * @param userId    {@code sub}: the user the token speaks for
 * @param sessionId {@code sid}: the session (refresh-token family) it was issued in
 * @param tokenId   {@code jti}: unique per token, e.g. for revocation lists
 * @param issuedAt  {@code iat}
 * @param expiresAt {@code exp}
 * @param scopes    {@code scope} (space-separated in the JWT), empty when absent
 * @param emailVerified {@code email_verified} (the OpenID Connect claim): whether the user's email
 *                  address was verified when the token was issued; false when absent
 */
public record AccessToken(
        String userId,
        String sessionId,
        String tokenId,
        Instant issuedAt,
        Instant expiresAt,
        Set<String> scopes,
        boolean emailVerified) {
    public AccessToken {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = Set.copyOf(scopes);
    }

    /** Claims without {@code email_verified} (as before it existed): read as not verified. */
    public AccessToken(
            String userId, String sessionId, String tokenId, Instant issuedAt, Instant expiresAt, Set<String> scopes) {
        this(userId, sessionId, tokenId, issuedAt, expiresAt, scopes, false);
    }

    /** Whether the token grants {@code scope}. */
    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
