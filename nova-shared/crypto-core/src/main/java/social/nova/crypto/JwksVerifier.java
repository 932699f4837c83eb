package social.nova.crypto;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * Verifies access tokens with a JWK set from a supplier, typically the auth service's published
 * JWKS cached by the auth client. On a kid the set does not hold, {@link #verify} throws
 * {@link UnknownKeyIdException}: the client refetches the set and tries again.
 * <pre>{@code
 * JwksVerifier verifier = new JwksVerifier(jwksCache::current, settings, Clock.systemUTC());
 * try {
 *     return verifier.verify(bearer);
 * } catch (UnknownKeyIdException e) {
 *     jwksCache.refresh();
 *     return verifier.verify(bearer);
 * }
 * }</pre>
 * A key whose JWK {@code exp} (its retirement time, see {@link KeyRing}) has passed no longer
 * verifies, even if a stale set still lists it. Thread-safe if the supplier is.
 */
public final class JwksVerifier {
    private final Supplier<JWKSet> keys;
    private final Clock clock;
    private final AccessTokenValidator validator;

    public JwksVerifier(Supplier<JWKSet> keys, JwtSettings settings, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.validator = new AccessTokenValidator(Objects.requireNonNull(settings, "settings"), clock);
    }

    /**
     * The claims of a valid token.
     *
     * @throws UnknownKeyIdException      if the set has no live key with the token's kid
     * @throws TokenVerificationException saying why else the token is refused
     */
    public AccessToken verify(String token) {
        return validator.validate(token, this::liveKey);
    }

    private Optional<JWK> liveKey(String keyId) {
        JWKSet set = keys.get();
        JWK key = set == null ? null : set.getKeyByKeyId(keyId);
        if (key == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        boolean retired = key.getExpirationTime() != null
                && !key.getExpirationTime().toInstant().isAfter(now);
        return retired ? Optional.empty() : Optional.of(key);
    }
}
