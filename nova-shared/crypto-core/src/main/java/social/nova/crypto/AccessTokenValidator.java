package social.nova.crypto;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import social.nova.crypto.TokenVerificationException.Reason;

/**
 * The checks every verifier runs, in an order that reveals nothing about unverified content:
 * structure and header, key, signature, then claims.
 */
final class AccessTokenValidator {
    private final JwtSettings settings;
    private final Clock clock;

    AccessTokenValidator(JwtSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * @param keyById finds the verification key for a kid, empty if unknown
     */
    AccessToken validate(String token, Function<String, Optional<JWK>> keyById) {
        if (token == null || token.isBlank()) {
            throw new TokenVerificationException(Reason.MALFORMED);
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw new TokenVerificationException(Reason.MALFORMED, e);
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new TokenVerificationException(Reason.UNSUPPORTED_ALGORITHM);
        }
        if (!JwtSigner.ACCESS_TOKEN_TYPE.equals(header.getType()) || header.getKeyID() == null) {
            throw new TokenVerificationException(Reason.MALFORMED);
        }
        JWK key = keyById.apply(header.getKeyID()).orElseThrow(() -> new UnknownKeyIdException(header.getKeyID()));
        verifySignature(jwt, key);
        return claims(jwt);
    }

    private static void verifySignature(SignedJWT jwt, JWK key) {
        if (!(key instanceof ECKey ecKey) || !Curve.P_256.equals(ecKey.getCurve())) {
            throw new TokenVerificationException(Reason.UNSUPPORTED_ALGORITHM);
        }
        boolean valid;
        try {
            valid = jwt.verify(new ECDSAVerifier(ecKey.toPublicJWK()));
        } catch (JOSEException | RuntimeException e) {
            throw new TokenVerificationException(Reason.BAD_SIGNATURE, e);
        }
        if (!valid) {
            throw new TokenVerificationException(Reason.BAD_SIGNATURE);
        }
    }

    private AccessToken claims(SignedJWT jwt) {
        JWTClaimsSet claims;
        String sessionId;
        String scope;
        Boolean emailVerified;
        try {
            claims = jwt.getJWTClaimsSet();
            sessionId = claims.getStringClaim(JwtSigner.SESSION_ID_CLAIM);
            scope = claims.getStringClaim(JwtSigner.SCOPE_CLAIM);
            emailVerified = claims.getBooleanClaim(JwtSigner.EMAIL_VERIFIED_CLAIM);
        } catch (ParseException e) {
            throw new TokenVerificationException(Reason.MALFORMED, e);
        }
        if (!settings.issuer().equals(claims.getIssuer())) {
            throw new TokenVerificationException(Reason.WRONG_ISSUER);
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(settings.audience())) {
            throw new TokenVerificationException(Reason.WRONG_AUDIENCE);
        }
        Date expiresAt = claims.getExpirationTime();
        Date issuedAt = claims.getIssueTime();
        if (expiresAt == null
                || issuedAt == null
                || isBlank(claims.getSubject())
                || isBlank(sessionId)
                || isBlank(claims.getJWTID())) {
            throw new TokenVerificationException(Reason.MISSING_CLAIM);
        }
        Instant now = clock.instant();
        if (!now.isBefore(expiresAt.toInstant().plus(settings.clockSkew()))) {
            throw new TokenVerificationException(Reason.EXPIRED);
        }
        Instant latestStart = now.plus(settings.clockSkew());
        Date notBefore = claims.getNotBeforeTime();
        if (issuedAt.toInstant().isAfter(latestStart)
                || (notBefore != null && notBefore.toInstant().isAfter(latestStart))) {
            throw new TokenVerificationException(Reason.NOT_YET_VALID);
        }
        return new AccessToken(
                claims.getSubject(),
                sessionId,
                claims.getJWTID(),
                issuedAt.toInstant(),
                expiresAt.toInstant(),
                scopes(scope),
                Boolean.TRUE.equals(emailVerified));
    }

    private static Set<String> scopes(String scope) {
        if (scope == null || scope.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(scope.trim().split(" +")).collect(Collectors.toUnmodifiableSet());
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
