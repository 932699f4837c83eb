package social.nova.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.crypto.SecretKey;

import social.nova.crypto.AesGcm;

/**
 * The answer of a Refresh, kept so a retry of the same refresh token within the grace gets the same
 * pair. It is sealed (AES-256-GCM) under a key derived from the presented refresh token, which the
 * database never holds (only its SHA-256, a different one-way function of it), with the token's hash
 * as associated data: reading the table alone gives neither token, and only the client that holds
 * the old refresh token can open the answer it was given.
 */
final class RefreshReplay {
    private static final String PURPOSE = "nova.auth refresh-retry v1";

    private RefreshReplay() {}

    /** The pair as answered, sealed for a retry of {@code presentedToken}. */
    static byte[] seal(String presentedToken, String presentedHash, TokenPair pair, Instant accessTokenExpiresAt) {
        String payload = pair.accessToken() + "\n" + pair.refreshToken() + "\n" + accessTokenExpiresAt.getEpochSecond();
        return AesGcm.seal(
                key(presentedToken),
                payload.getBytes(StandardCharsets.UTF_8),
                presentedHash.getBytes(StandardCharsets.UTF_8));
    }

    /** The pair answered before, with the access token's remaining lifetime as of {@code now}. */
    static TokenPair open(String presentedToken, String presentedHash, byte[] sealed, Instant now) {
        String[] parts = new String(
                        AesGcm.open(key(presentedToken), sealed, presentedHash.getBytes(StandardCharsets.UTF_8)),
                        StandardCharsets.UTF_8)
                .split("\n");
        Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[2]));
        // Whole seconds, as the first answer counted them (from its truncated iat).
        Duration remaining = Duration.between(now.truncatedTo(ChronoUnit.SECONDS), expiresAt);
        return new TokenPair(parts[0], parts[1], remaining.isNegative() ? Duration.ZERO : remaining);
    }

    private static SecretKey key(String presentedToken) {
        return AesGcm.deriveKey(presentedToken, PURPOSE);
    }
}
