package social.nova.crypto;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Date;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Issues ES256 access tokens with the current key of a {@link KeyRing}:
 * <pre>{@code
 * JwtSigner signer = new JwtSigner(ring, JwtSettings.create(config.get("jwt")), Clock.systemUTC());
 * JwtSigner.Issued issued = signer.issue(userId, sessionId, Set.of("posts:write"));
 * }</pre>
 * Header: {@code alg=ES256}, {@code typ=at+jwt} (RFC 9068), {@code kid}. Claims: iss, aud, sub,
 * sid, iat, exp, jti and, when scopes are given, scope. Thread-safe.
 */
public final class JwtSigner {
    /** The JWT typ of access tokens (RFC 9068), so no other JWT can pass as one. */
    static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

    static final String SESSION_ID_CLAIM = "sid";
    static final String SCOPE_CLAIM = "scope";
    static final String EMAIL_VERIFIED_CLAIM = "email_verified";

    private final KeyRing keys;
    private final JwtSettings settings;
    private final Clock clock;

    public JwtSigner(KeyRing keys, JwtSettings settings, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A signed token and the claims it carries. */
    public record Issued(String token, AccessToken claims) {}

    /** Signs a new access token for {@code userId} in session {@code sessionId}, email not verified. */
    public Issued issue(String userId, String sessionId, Collection<String> scopes) {
        return issue(userId, sessionId, scopes, false);
    }

    /**
     * Signs a new access token for {@code userId} in session {@code sessionId}, saying whether the
     * user's email address is verified ({@code email_verified}).
     */
    public Issued issue(String userId, String sessionId, Collection<String> scopes, boolean emailVerified) {
        requireText(userId, "userId");
        requireText(sessionId, "sessionId");
        for (String scope : scopes) {
            if (scope.isBlank() || scope.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a scope must be one non-blank word: '" + scope + "'");
            }
        }
        Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        AccessToken claims = new AccessToken(
                userId,
                sessionId,
                UUID.randomUUID().toString(),
                issuedAt,
                issuedAt.plus(settings.accessTokenTtl()),
                Set.copyOf(scopes),
                emailVerified);

        JWTClaimsSet.Builder body = new JWTClaimsSet.Builder()
                .issuer(settings.issuer())
                .audience(settings.audience())
                .subject(claims.userId())
                .claim(SESSION_ID_CLAIM, claims.sessionId())
                .claim(EMAIL_VERIFIED_CLAIM, claims.emailVerified())
                .issueTime(Date.from(claims.issuedAt()))
                .expirationTime(Date.from(claims.expiresAt()))
                .jwtID(claims.tokenId());
        if (!claims.scopes().isEmpty()) {
            body.claim(
                    SCOPE_CLAIM,
                    String.join(" ", claims.scopes().stream().sorted().toList()));
        }
        ECKey key = keys.signingKey();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(ACCESS_TOKEN_TYPE)
                        .keyID(key.getKeyID())
                        .build(),
                body.build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with key " + key.getKeyID(), e);
        }
        return new Issued(jwt.serialize(), claims);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
