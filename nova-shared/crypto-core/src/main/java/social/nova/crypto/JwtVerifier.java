package social.nova.crypto;

import java.time.Clock;
import java.util.Objects;

/**
 * Verifies access tokens against a {@link KeyRing} held in the same process (the auth service
 * itself). Other services use {@link JwksVerifier} with the published key set.
 * <pre>{@code
 * AccessToken token = new JwtVerifier(ring, settings, Clock.systemUTC()).verify(bearer);
 * }</pre>
 * Thread-safe.
 */
public final class JwtVerifier {
    private final KeyRing keys;
    private final AccessTokenValidator validator;

    public JwtVerifier(KeyRing keys, JwtSettings settings, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.validator = new AccessTokenValidator(
                Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(clock, "clock"));
    }

    /**
     * The claims of a valid token.
     *
     * @throws TokenVerificationException saying why the token is refused
     */
    public AccessToken verify(String token) {
        return validator.validate(token, kid -> keys.publicKey(kid).map(key -> key));
    }
}
