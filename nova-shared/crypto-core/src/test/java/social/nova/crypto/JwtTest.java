package social.nova.crypto;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import social.nova.crypto.TokenVerificationException.Reason;
import social.nova.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JwtTest {
    private static final JwtSettings SETTINGS =
            new JwtSettings("https://auth.nova.social", "nova", Duration.ofMinutes(15), Duration.ofSeconds(30));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final KeyRing ring = KeyRing.generate(SETTINGS, clock);
    private final JwtSigner signer = new JwtSigner(ring, SETTINGS, clock);
    private final JwtVerifier verifier = new JwtVerifier(ring, SETTINGS, clock);

    @Test
    void aFreshTokenVerifiesWithAllItsClaims() {
        JwtSigner.Issued issued = signer.issue("user-1", "session-9", Set.of("posts:write", "dm:read"));

        AccessToken token = verifier.verify(issued.token());

        assertThat(token).isEqualTo(issued.claims());
        assertThat(token.userId()).isEqualTo("user-1");
        assertThat(token.sessionId()).isEqualTo("session-9");
        assertThat(token.scopes()).containsExactlyInAnyOrder("posts:write", "dm:read");
        assertThat(token.issuedAt()).isEqualTo(clock.instant());
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
        assertThat(token.tokenId()).isNotBlank();
    }

    @Test
    void theTokenHasTheDocumentedHeaderAndClaims() throws Exception {
        SignedJWT jwt =
                SignedJWT.parse(signer.issue("user-1", "session-9", Set.of()).token());

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(ring.currentKeyId());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("https://auth.nova.social");
        assertThat(claims.getAudience()).containsExactly("nova");
        assertThat(claims.getClaims())
                .containsKeys("sub", "sid", "iat", "exp", "jti")
                .doesNotContainKey("scope");
    }

    @Test
    void theEmailVerifiedClaimRoundTripsAndItsAbsenceReadsAsNotVerified() throws Exception {
        JwtSigner.Issued verified = signer.issue("user-1", "session-9", Set.of(), true);

        assertThat(verifier.verify(verified.token()).emailVerified()).isTrue();
        assertThat(SignedJWT.parse(verified.token()).getJWTClaimsSet().getBooleanClaim("email_verified"))
                .isTrue();
        assertThat(verifier.verify(signer.issue("user-1", "session-9", Set.of()).token())
                        .emailVerified())
                .isFalse();
    }

    @Test
    void everyTokenGetsItsOwnId() {
        assertThat(signer.issue("u", "s", Set.of()).claims().tokenId())
                .isNotEqualTo(signer.issue("u", "s", Set.of()).claims().tokenId());
    }

    @Test
    void aTamperedPayloadIsABadSignature() {
        String token = signer.issue("user-1", "session-9", Set.of()).token();
        String[] parts = token.split("\\.");
        String forgedPayload = Base64URL.encode(
                        new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                                .replace("user-1", "user-2"))
                .toString();

        assertRefused(() -> verifier.verify(parts[0] + "." + forgedPayload + "." + parts[2]), Reason.BAD_SIGNATURE);
    }

    @Test
    void aTamperedSignatureIsABadSignature() {
        String token = signer.issue("user-1", "session-9", Set.of()).token();
        char last = token.charAt(token.length() - 5);
        String tampered = token.substring(0, token.length() - 5)
                + (last == 'A' ? 'B' : 'A')
                + token.substring(token.length() - 4);

        assertRefused(() -> verifier.verify(tampered), Reason.BAD_SIGNATURE);
    }

    @Test
    void aTokenSignedByAnotherKeyUnderOurKidIsABadSignature() throws Exception {
        ECKey impostor = KeyRing.generate(SETTINGS, clock).signingKey();
        String forged = sign(impostor, ring.currentKeyId(), JwsDefaults.claims(clock.instant()));

        assertRefused(() -> verifier.verify(forged), Reason.BAD_SIGNATURE);
    }

    @Test
    void anExpiredTokenIsRefusedOnlyAfterTheClockSkew() {
        String token = signer.issue("user-1", "session-9", Set.of()).token();

        clock.advance(Duration.ofMinutes(15).plusSeconds(29));
        assertThat(verifier.verify(token).userId()).isEqualTo("user-1");

        clock.advance(Duration.ofSeconds(1));
        assertRefused(() -> verifier.verify(token), Reason.EXPIRED);
    }

    @Test
    void aTokenFromTheFutureIsNotYetValid() throws Exception {
        JWTClaimsSet future = JwsDefaults.claims(clock.instant().plus(Duration.ofMinutes(2)));

        assertRefused(
                () -> verifier.verify(sign(ring.signingKey(), ring.currentKeyId(), future)), Reason.NOT_YET_VALID);
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        JwtSettings otherAudience =
                new JwtSettings(SETTINGS.issuer(), "billing", SETTINGS.accessTokenTtl(), SETTINGS.clockSkew());
        String token = new JwtSigner(ring, otherAudience, clock)
                .issue("user-1", "s", Set.of())
                .token();

        assertRefused(() -> verifier.verify(token), Reason.WRONG_AUDIENCE);
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() {
        JwtSettings otherIssuer = new JwtSettings(
                "https://evil.example", SETTINGS.audience(), SETTINGS.accessTokenTtl(), SETTINGS.clockSkew());
        String token = new JwtSigner(ring, otherIssuer, clock)
                .issue("user-1", "s", Set.of())
                .token();

        assertRefused(() -> verifier.verify(token), Reason.WRONG_ISSUER);
    }

    @Test
    void aTokenWithoutASessionIdMissesAClaim() throws Exception {
        JWTClaimsSet noSid = new JWTClaimsSet.Builder(JwsDefaults.claims(clock.instant()))
                .claim("sid", null)
                .build();

        assertRefused(() -> verifier.verify(sign(ring.signingKey(), ring.currentKeyId(), noSid)), Reason.MISSING_CLAIM);
    }

    @Test
    void garbageAndOtherJwtTypesAreMalformed() throws Exception {
        assertRefused(() -> verifier.verify("not.a.jwt"), Reason.MALFORMED);
        assertRefused(() -> verifier.verify(""), Reason.MALFORMED);
        assertRefused(() -> verifier.verify(null), Reason.MALFORMED);

        SignedJWT idToken = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(JOSEObjectType.JWT)
                        .keyID(ring.currentKeyId())
                        .build(),
                JwsDefaults.claims(clock.instant()));
        idToken.sign(new ECDSASigner(ring.signingKey()));
        assertRefused(() -> verifier.verify(idToken.serialize()), Reason.MALFORMED);
    }

    @Test
    void aSymmetricAlgorithmIsRefusedEvenWithTheRightKid() throws Exception {
        // The classic confusion attack: HMAC "signed" with the public key as secret.
        SignedJWT hmac = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .type(new JOSEObjectType("at+jwt"))
                        .keyID(ring.currentKeyId())
                        .build(),
                JwsDefaults.claims(clock.instant()));
        hmac.sign(new MACSigner(ring.jwksJson().getBytes(StandardCharsets.UTF_8)));

        assertRefused(() -> verifier.verify(hmac.serialize()), Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void anUnknownKidIsReportedWithTheKid() {
        String foreign = new JwtSigner(KeyRing.generate(SETTINGS, clock), SETTINGS, clock)
                .issue("user-1", "s", Set.of())
                .token();

        assertThatThrownBy(() -> verifier.verify(foreign)).isInstanceOfSatisfying(UnknownKeyIdException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY_ID);
            assertThat(e.keyId()).isNotBlank().isNotEqualTo(ring.currentKeyId());
        });
    }

    @Test
    void aRotatedKeyKeepsVerifyingItsTokens() {
        String beforeRotation = signer.issue("user-1", "s", Set.of()).token();
        String oldKid = ring.currentKeyId();

        ring.rotate();
        clock.advance(Duration.ofMinutes(10));
        String afterRotation = signer.issue("user-2", "s", Set.of()).token();

        assertThat(ring.currentKeyId()).isNotEqualTo(oldKid);
        assertThat(verifier.verify(beforeRotation).userId()).isEqualTo("user-1");
        assertThat(verifier.verify(afterRotation).userId()).isEqualTo("user-2");
        assertThat(ring.jwks().getKeys())
                .extracting(key -> key.getKeyID())
                .containsExactly(ring.currentKeyId(), oldKid);
    }

    @Test
    void aRetiredKeyNoLongerVerifiesAndLeavesTheKeySet() {
        String beforeRotation = signer.issue("user-1", "s", Set.of()).token();
        String oldKid = ring.currentKeyId();
        ring.rotate();

        clock.advance(SETTINGS.keyRetention());

        assertThatThrownBy(() -> verifier.verify(beforeRotation)).isInstanceOf(UnknownKeyIdException.class);
        assertThat(ring.publicKey(oldKid)).isEmpty();
        assertThat(ring.jwks().getKeys()).extracting(key -> key.getKeyID()).containsExactly(ring.currentKeyId());
    }

    @Test
    void thePublishedKeySetHoldsNoPrivateKeys() throws Exception {
        ring.rotate();

        JWKSet published = JWKSet.parse(ring.jwksJson());

        assertThat(published.getKeys())
                .hasSize(2)
                .allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
        assertThat(ring.jwksJson()).doesNotContain("\"d\"");
        assertThat(published.getKeys().get(1).getExpirationTime())
                .isEqualTo(Date.from(clock.instant().plus(SETTINGS.keyRetention())));
    }

    @Test
    void aPersistedRingRestoresSigningAndVerifying() {
        String beforeRotation = signer.issue("user-1", "s", Set.of()).token();
        ring.rotate();
        String current = signer.issue("user-2", "s", Set.of()).token();

        KeyRing restored = KeyRing.fromJwks(ring.toPrivateJwksJson(), SETTINGS, clock);
        JwtVerifier restoredVerifier = new JwtVerifier(restored, SETTINGS, clock);

        assertThat(restored.currentKeyId()).isEqualTo(ring.currentKeyId());
        assertThat(restoredVerifier.verify(beforeRotation).userId()).isEqualTo("user-1");
        assertThat(restoredVerifier.verify(current).userId()).isEqualTo("user-2");
        assertThat(verifier.verify(new JwtSigner(restored, SETTINGS, clock)
                                .issue("user-3", "s", Set.of())
                                .token())
                        .userId())
                .isEqualTo("user-3");

        clock.advance(SETTINGS.keyRetention());
        assertThat(KeyRing.fromJwks(ring.toPrivateJwksJson(), SETTINGS, clock)
                        .jwks()
                        .getKeys())
                .hasSize(1);
    }

    @Test
    void restoringRefusesPublicOrIncompleteKeySets() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeyRing.fromJwks(ring.jwksJson(), SETTINGS, clock))
                .withMessageContaining("private P-256");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeyRing.fromJwks("{\"keys\":[]}", SETTINGS, clock))
                .withMessageContaining("no current key");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeyRing.fromJwks("{", SETTINGS, clock))
                .withMessageContaining("not a JWK set");
    }

    @Test
    void jwksVerifierAsksForARefetchOnAnUnknownKidAndSucceedsAfterIt() {
        AtomicReference<JWKSet> cached = new AtomicReference<>(ring.jwks());
        JwksVerifier remote = new JwksVerifier(cached::get, SETTINGS, clock);
        assertThat(remote.verify(signer.issue("user-1", "s", Set.of()).token()).userId())
                .isEqualTo("user-1");

        ring.rotate();
        String afterRotation = signer.issue("user-2", "s", Set.of()).token();

        assertThatThrownBy(() -> remote.verify(afterRotation))
                .isInstanceOfSatisfying(
                        UnknownKeyIdException.class, e -> assertThat(e.keyId()).isEqualTo(ring.currentKeyId()));
        cached.set(ring.jwks());
        assertThat(remote.verify(afterRotation).userId()).isEqualTo("user-2");
    }

    @Test
    void jwksVerifierIgnoresRetiredKeysInAStaleSet() {
        String beforeRotation = signer.issue("user-1", "s", Set.of()).token();
        ring.rotate();
        JWKSet stale = ring.jwks();
        JwksVerifier remote = new JwksVerifier(() -> stale, SETTINGS, clock);
        assertThat(remote.verify(beforeRotation).userId()).isEqualTo("user-1");

        clock.advance(SETTINGS.keyRetention());

        assertThatThrownBy(() -> remote.verify(beforeRotation)).isInstanceOf(UnknownKeyIdException.class);
    }

    @Test
    void jwksVerifierRunsTheSameChecks() {
        JwksVerifier remote = new JwksVerifier(ring::jwks, SETTINGS, clock);
        String token = signer.issue("user-1", "s", Set.of()).token();

        clock.advance(Duration.ofHours(1));

        assertRefused(() -> remote.verify(token), Reason.EXPIRED);
    }

    @Test
    void refusalsCarryOnlyAFixedMessage() {
        TokenVerificationException e = catchRefusal(() -> verifier.verify("eyJhbGciOiJFUzI1NiJ9.e30.AAAA"));

        assertThat(e).hasMessage(e.reason().message());
        assertThat(e.getStackTrace()).isEmpty();
    }

    @Test
    void scopesMustBeSingleWords() {
        assertThatIllegalArgumentException().isThrownBy(() -> signer.issue("u", "s", List.of("two words")));
        assertThatIllegalArgumentException().isThrownBy(() -> signer.issue(" ", "s", List.of()));
    }

    @Test
    void settingsComeFromConfigWithDefaults() {
        Config config = Config.just(ConfigSources.create(
                Map.of("issuer", "https://auth.nova.test", "access-token-ttl", "PT5M", "clock-skew", "PT10S")));

        JwtSettings settings = JwtSettings.create(config);

        assertThat(settings)
                .isEqualTo(new JwtSettings(
                        "https://auth.nova.test", "nova", Duration.ofMinutes(5), Duration.ofSeconds(10)));
        assertThat(settings.keyRetention()).isEqualTo(Duration.ofSeconds(310));
        assertThat(JwtSettings.create(Config.empty())).isEqualTo(JwtSettings.defaults());
        assertThatIllegalArgumentException().isThrownBy(() -> new JwtSettings("i", "a", Duration.ZERO, Duration.ZERO));
    }

    private static String sign(ECKey key, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(new JOSEObjectType("at+jwt"))
                        .keyID(kid)
                        .build(),
                claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static void assertRefused(ThrowingCallable verification, Reason reason) {
        assertThat(catchRefusal(verification).reason()).isEqualTo(reason);
    }

    private static TokenVerificationException catchRefusal(ThrowingCallable verification) {
        TokenVerificationException refusal = catchThrowableOfType(TokenVerificationException.class, verification);
        assertThat(refusal).as("token refused").isNotNull();
        return refusal;
    }

    /** Valid claims for hand-made tokens. */
    private static final class JwsDefaults {
        static JWTClaimsSet claims(Instant issuedAt) {
            return new JWTClaimsSet.Builder()
                    .issuer(SETTINGS.issuer())
                    .audience(SETTINGS.audience())
                    .subject("user-1")
                    .claim("sid", "session-1")
                    .jwtID("jti-1")
                    .issueTime(Date.from(issuedAt))
                    .expirationTime(Date.from(issuedAt.plus(SETTINGS.accessTokenTtl())))
                    .build();
        }
    }
}
