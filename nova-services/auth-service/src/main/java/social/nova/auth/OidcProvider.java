package social.nova.auth;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/**
 * One OpenID Connect provider, spoken to with the Nimbus OAuth 2.0 / OpenID Connect SDK (the
 * protocol is theirs; only the choices are Nova's): its discovery document, the authorization URL
 * with PKCE, the code exchange at its token endpoint, and the ID token's validation against the
 * keys it publishes (fetched, cached and refreshed on an unknown key id by Nimbus's JWK source).
 *
 * <p>The discovery document is read on first use and again after {@link #REDISCOVER_AFTER}; a
 * provider that cannot be read at start does not stop auth-service (its sign-ins answer UNAVAILABLE
 * until it can). Only asymmetric signatures are accepted: never {@code none}, never an HMAC keyed
 * with the client secret.
 */
final class OidcProvider {
    private static final System.Logger LOG = System.getLogger(OidcProvider.class.getName());
    static final Duration REDISCOVER_AFTER = Duration.ofHours(1);
    private static final Set<JWSAlgorithm> ASYMMETRIC = new LinkedHashSet<>();

    static {
        ASYMMETRIC.addAll(JWSAlgorithm.Family.RSA);
        ASYMMETRIC.addAll(JWSAlgorithm.Family.EC);
        ASYMMETRIC.addAll(JWSAlgorithm.Family.ED);
    }

    /** What the discovery document gave: endpoints, and the validator bound to the provider's keys. */
    record Discovered(OIDCProviderMetadata metadata, IDTokenValidator validator, Instant at) {}

    /** Reads a provider's discovery document (replaced in unit tests, which have no provider). */
    @FunctionalInterface
    interface Discovery {
        Discovered discover(OidcSettings.Provider provider, Duration timeout) throws IOException, ParseException;
    }

    private final OidcSettings.Provider settings;
    private final Duration timeout;
    private final Discovery discovery;
    private final Clock clock;
    private final Object discovering = new Object();
    private volatile Discovered discovered;

    OidcProvider(OidcSettings.Provider settings, Duration timeout, Discovery discovery, Clock clock) {
        this.settings = settings;
        this.timeout = timeout;
        this.discovery = discovery;
        this.clock = clock;
    }

    String name() {
        return settings.name();
    }

    /** The URL to send the browser to: code flow, PKCE S256, with this state and nonce. */
    URI authorizationUrl(URI redirectUri, State state, Nonce nonce, CodeVerifier verifier) {
        OIDCProviderMetadata metadata = discovered().metadata();
        return new AuthenticationRequest.Builder(
                        ResponseType.CODE, new Scope(settings.scopes().toArray(String[]::new)), clientId(), redirectUri)
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /** Exchanges the code at the token endpoint and answers the ID token that came with it. */
    JWT exchange(String code, URI redirectUri, CodeVerifier verifier) {
        OIDCProviderMetadata metadata = discovered().metadata();
        TokenRequest request = new TokenRequest(
                metadata.getTokenEndpointURI(),
                clientAuthentication(metadata),
                new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, verifier));
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout(millis());
        http.setReadTimeout(millis());
        TokenResponse response;
        try {
            response = OIDCTokenResponseParser.parse(http.send());
        } catch (IOException e) {
            throw unavailable("its token endpoint cannot be reached", e);
        } catch (ParseException e) {
            throw unavailable("its token endpoint answered something that is not a token response", e);
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            if (OAuth2Error.INVALID_GRANT.getCode().equals(error.getCode())) {
                throw AuthErrors.of(
                        ErrorCode.UNAUTHENTICATED,
                        "OIDC_CODE_REJECTED",
                        name() + " refused the authorization code (already used, expired, or not issued for this"
                                + " sign-in): start the sign-in again");
            }
            // invalid_client and the like: Nova's configuration, not the caller's input.
            LOG.log(
                    System.Logger.Level.ERROR,
                    "OpenID Connect provider {0} refused the code exchange: {1} {2} (HTTP {3})",
                    name(),
                    error.getCode(),
                    error.getDescription(),
                    error.getHTTPStatusCode());
            throw unavailable("it refused Nova's code exchange (" + error.getCode() + ")", null);
        }
        JWT idToken = ((OIDCTokenResponse) response.toSuccessResponse())
                .getOIDCTokens()
                .getIDToken();
        if (idToken == null) {
            throw idTokenInvalid("the token response carries no ID token");
        }
        return idToken;
    }

    /** Validates signature, issuer, audience, expiry, issue time and nonce. */
    IDTokenClaimsSet validate(JWT idToken, Nonce nonce) {
        try {
            return discovered().validator().validate(idToken, nonce);
        } catch (BadJOSEException e) {
            throw idTokenInvalid(e.getMessage());
        } catch (KeySourceException e) {
            throw unavailable("its signing keys cannot be read", e);
        } catch (JOSEException e) {
            throw idTokenInvalid(e.getMessage());
        }
    }

    private Discovered discovered() {
        Discovered current = discovered;
        Instant now = clock.instant();
        if (current != null && current.at().plus(REDISCOVER_AFTER).isAfter(now)) {
            return current;
        }
        synchronized (discovering) {
            current = discovered;
            if (current != null && current.at().plus(REDISCOVER_AFTER).isAfter(now)) {
                return current;
            }
            try {
                Discovered fresh = discovery.discover(settings, timeout);
                Issuer named = fresh.metadata().getIssuer();
                if (!new Issuer(settings.issuer()).equals(named)) {
                    throw new ParseException("the discovery document at " + settings.discoveryUri() + " names issuer "
                            + named + ", not the configured " + settings.issuer());
                }
                discovered = fresh;
                return fresh;
            } catch (IOException | ParseException e) {
                if (current != null) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "OpenID Connect provider " + name() + ": rediscovery failed, keeping the last document",
                            e);
                    return current;
                }
                throw unavailable("its discovery document cannot be read", e);
            }
        }
    }

    /** The method the provider supports, preferring HTTP Basic (the protocol's default). */
    private ClientAuthentication clientAuthentication(OIDCProviderMetadata metadata) {
        List<ClientAuthenticationMethod> supported = metadata.getTokenEndpointAuthMethods();
        Secret secret = new Secret(settings.clientSecret());
        if (supported != null
                && !supported.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                && supported.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
            return new ClientSecretPost(clientId(), secret);
        }
        return new ClientSecretBasic(clientId(), secret);
    }

    private ClientID clientId() {
        return new ClientID(settings.clientId());
    }

    private int millis() {
        return Math.toIntExact(timeout.toMillis());
    }

    private NovaException unavailable(String why, Exception cause) {
        if (cause != null) {
            LOG.log(System.Logger.Level.WARNING, "OpenID Connect provider " + name() + ": " + why, cause);
        }
        return NovaException.builder(ErrorCode.UNAVAILABLE, "sign-in with " + name() + " is unavailable: " + why)
                .reason("OIDC_PROVIDER_UNAVAILABLE")
                .domain(AuthErrors.DOMAIN)
                .build();
    }

    private static NovaException idTokenInvalid(String why) {
        return AuthErrors.of(ErrorCode.UNAUTHENTICATED, "OIDC_ID_TOKEN_INVALID", "the ID token is not valid: " + why);
    }

    /**
     * The real discovery: the document over HTTP, and a validator whose keys come from its {@code
     * jwks_uri} through Nimbus's caching, rate-limited JWK source.
     */
    static Discovered discover(OidcSettings.Provider provider, Duration timeout, Clock clock)
            throws IOException, ParseException {
        int millis = Math.toIntExact(timeout.toMillis());
        HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, provider.discoveryUri());
        request.setConnectTimeout(millis);
        request.setReadTimeout(millis);
        HTTPResponse response = request.send();
        response.ensureStatusCode(HTTPResponse.SC_OK);
        OIDCProviderMetadata metadata = OIDCProviderMetadata.parse(response.getBodyAsJSONObject());
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(
                            metadata.getJWKSetURI().toURL(), new DefaultResourceRetriever(millis, millis))
                    .build();
        } catch (MalformedURLException e) {
            throw new ParseException("jwks_uri is not a URL: " + metadata.getJWKSetURI(), e);
        }
        return new Discovered(metadata, validator(provider, metadata, keys), clock.instant());
    }

    /** A validator for this provider's ID tokens signed with keys from {@code keys}. */
    static IDTokenValidator validator(
            OidcSettings.Provider provider, OIDCProviderMetadata metadata, JWKSource<SecurityContext> keys) {
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>(ASYMMETRIC);
        List<JWSAlgorithm> offered = metadata.getIDTokenJWSAlgs();
        if (offered != null) {
            algorithms.retainAll(offered);
        }
        if (algorithms.isEmpty()) {
            algorithms.add(JWSAlgorithm.RS256); // the algorithm every provider must support
        }
        return new IDTokenValidator(
                new Issuer(provider.issuer()),
                new ClientID(provider.clientId()),
                new JWSVerificationKeySelector<>(algorithms, keys),
                null);
    }
}
