package social.nova.auth;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ID token checks and the authorization URL, on tokens made here. The provider's discovery is
 * answered from memory (a unit test has no provider); nova-harness's OidcIT runs the whole flow
 * against a real Keycloak.
 */
class OidcProviderTest {
    private static final URI ISSUER = URI.create("https://id.example.com/realms/nova");
    private static final OidcSettings.Provider SETTINGS = new OidcSettings.Provider(
            "example",
            ISSUER,
            URI.create(ISSUER + "/.well-known/openid-configuration"),
            "nova",
            "client-secret-of-at-least-32-bytes!!",
            List.of("openid", "email", "profile"));
    private static final URI REDIRECT = URI.create("http://localhost:8000/api/v1/auth/oidc/example/callback");

    private static RSAKey providerKey;
    private static RSAKey attackerKey;

    @BeforeAll
    static void keys() throws JOSEException {
        providerKey = new RSAKeyGenerator(2048).keyID("provider-1").generate();
        attackerKey = new RSAKeyGenerator(2048).keyID("provider-1").generate(); // same kid, other key
    }

    @Test
    void aTokenSignedByTheProviderForNovaWithTheNoncePasses() throws JOSEException {
        var claims = provider().validate(signed(providerKey, claims().build()), new Nonce("n-1"));

        assertThat(claims.getSubject().getValue()).isEqualTo("subject-1");
        assertThat(claims.getStringClaim("email")).isEqualTo("ada@example.com");
    }

    @Test
    void aForgedTokenIsRefused() throws JOSEException {
        assertInvalid(signed(attackerKey, claims().build()), "n-1");
    }

    @Test
    void aTokenForAnotherClientAnotherIssuerAnotherNonceOrExpiredIsRefused() throws JOSEException {
        assertInvalid(signed(providerKey, claims().audience("someone-else").build()), "n-1");
        assertInvalid(
                signed(providerKey, claims().issuer("https://evil.example.com").build()), "n-1");
        assertInvalid(signed(providerKey, claims().build()), "another-nonce");
        Instant past = Instant.now().minus(Duration.ofHours(2));
        assertInvalid(
                signed(
                        providerKey,
                        claims().issueTime(Date.from(past))
                                .expirationTime(Date.from(past.plusSeconds(300)))
                                .build()),
                "n-1");
    }

    @Test
    void anUnsignedTokenOrOneSignedWithTheClientSecretIsRefused() throws JOSEException {
        assertInvalid(new PlainJWT(claims().build()), "n-1");
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        hmac.sign(new MACSigner(SETTINGS.clientSecret()));
        assertInvalid(hmac, "n-1");
    }

    @Test
    void theAuthorizationUrlCarriesStateNonceAndAnS256Challenge() {
        CodeVerifier verifier = new CodeVerifier();
        URI url = provider().authorizationUrl(REDIRECT, new State("s-1"), new Nonce("n-1"), verifier);

        assertThat(url.toString()).startsWith("https://id.example.com/realms/nova/protocol/openid-connect/auth?");
        assertThat(url.getQuery())
                .contains("response_type=code")
                .contains("client_id=nova")
                .contains("redirect_uri=" + REDIRECT)
                .contains("scope=openid+email+profile")
                .contains("state=s-1")
                .contains("nonce=n-1")
                .contains("code_challenge_method=S256")
                .contains("code_challenge=")
                .doesNotContain(verifier.getValue());
    }

    @Test
    void aDiscoveryDocumentNamingAnotherIssuerMakesTheProviderUnavailable() {
        OidcProvider provider = new OidcProvider(
                SETTINGS,
                Duration.ofSeconds(1),
                (settings, timeout) -> discovered(URI.create("https://other.example.com")),
                Clock.systemUTC());

        assertThatThrownBy(() -> provider.validate(signed(providerKey, claims().build()), new Nonce("n-1")))
                .isInstanceOfSatisfying(NovaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(e.reason()).contains("OIDC_PROVIDER_UNAVAILABLE");
                });
    }

    @Test
    void theDiscoveryDocumentIsReadOnceAndAgainOnlyAfterAFailure() throws JOSEException {
        AtomicInteger reads = new AtomicInteger();
        OidcProvider provider = new OidcProvider(
                SETTINGS,
                Duration.ofSeconds(1),
                (settings, timeout) -> {
                    if (reads.incrementAndGet() == 1) {
                        throw new java.io.IOException("connection refused");
                    }
                    return discovered(ISSUER);
                },
                Clock.systemUTC());

        assertThatThrownBy(() -> provider.validate(signed(providerKey, claims().build()), new Nonce("n-1")))
                .isInstanceOf(NovaException.class)
                .hasMessageContaining("discovery document cannot be read");
        provider.validate(signed(providerKey, claims().build()), new Nonce("n-1"));
        provider.validate(signed(providerKey, claims().build()), new Nonce("n-1"));

        assertThat(reads).hasValue(2);
    }

    private static void assertInvalid(com.nimbusds.jwt.JWT token, String nonce) {
        assertThatThrownBy(() -> provider().validate(token, new Nonce(nonce)))
                .isInstanceOfSatisfying(NovaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
                    assertThat(e.reason()).contains("OIDC_ID_TOKEN_INVALID");
                });
    }

    private static OidcProvider provider() {
        return new OidcProvider(
                SETTINGS, Duration.ofSeconds(1), (settings, timeout) -> discovered(ISSUER), Clock.systemUTC());
    }

    private static OidcProvider.Discovered discovered(URI issuer) throws ParseException {
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(
                new Issuer(issuer), List.of(SubjectType.PUBLIC), URI.create(issuer + "/protocol/openid-connect/certs"));
        metadata.setAuthorizationEndpointURI(URI.create(issuer + "/protocol/openid-connect/auth"));
        metadata.setTokenEndpointURI(URI.create(issuer + "/protocol/openid-connect/token"));
        metadata.setIDTokenJWSAlgs(List.of(JWSAlgorithm.RS256));
        metadata.applyDefaults();
        return new OidcProvider.Discovered(
                metadata,
                OidcProvider.validator(
                        SETTINGS, metadata, new ImmutableJWKSet<>(new JWKSet(providerKey.toPublicJWK()))),
                Instant.now());
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER.toString())
                .subject("subject-1")
                .audience("nova")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("nonce", "n-1")
                .claim("email", "ada@example.com")
                .claim("email_verified", true)
                .claim("extra", Map.of());
    }

    private static SignedJWT signed(RSAKey key, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt;
    }
}
