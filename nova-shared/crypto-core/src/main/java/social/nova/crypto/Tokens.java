package social.nova.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Opaque secret tokens (refresh tokens, email verification links, ...): generated from a CSPRNG
 * and stored only as their SHA-256, so a leaked table holds nothing usable.
 * <pre>{@code
 * String refreshToken = Tokens.randomUrlSafe(32);   // give to the client
 * String stored = Tokens.sha256(refreshToken);      // keep in the database, look up by it
 * }</pre>
 * A plain hash suffices here, unlike for passwords: the tokens carry full random entropy.
 */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {}

    /** {@code bytes} random bytes as URL-safe Base64 without padding. */
    public static String randomUrlSafe(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes must be positive: " + bytes);
        }
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** The SHA-256 of the token's UTF-8 bytes, as 64 lower-case hex digits. */
    public static String sha256(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
