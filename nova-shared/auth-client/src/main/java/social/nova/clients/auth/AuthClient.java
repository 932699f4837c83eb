package social.nova.clients.auth;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.grpc.Channel;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.crypto.AccessToken;
import social.nova.crypto.JwksVerifier;
import social.nova.crypto.TokenVerificationException;
import social.nova.crypto.UnknownKeyIdException;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/**
 * The plan's {@code nova-auth-client}: typed access to auth-service, and access-token
 * verification done locally with auth-service's cached public keys.
 *
 * <pre>{@code
 * AuthClient auth = AuthClient.create(kit.clients().channel("auth-service"), AuthClientSettings.create(config));
 * kit.authenticateWith(token -> { VerifiedToken t = auth.verify(token); return new Caller(t.userId(), t.sessionId()); });
 * }</pre>
 *
 * <p>Local verification checks signature, issuer, audience and expiry; it does not see a logout
 * until the access token expires (15 minutes by default). Calls that must see logouts at once use
 * {@code VerifyToken} on {@link #stub()}.
 */
public final class AuthClient {
    static final String DOMAIN = "auth.nova.social";

    private final AuthServiceGrpc.AuthServiceBlockingStub stub;
    private final PublicKeyCache keys;
    private final JwksVerifier verifier;
    private final Clock clock;
    /**
     * Tokens that verified, by their text. An ES256 verification costs about a millisecond of CPU on
     * a small core, and every hop verifies the caller's token (gateway, then each service), so
     * without this the signature checks alone capped a 2-core stack at a few hundred requests a
     * second. A token's text is only here after its signature, issuer, audience and expiry checked
     * out; it is taken again until its own expiry or {@code verified-cache.ttl}, whichever is first,
     * so a key auth-service retires stops being honoured within that bound.
     */
    private final Cache<String, VerifiedToken> verified;

    private AuthClient(Channel channel, AuthClientSettings settings, Clock clock, Executor keyFetcher) {
        this.stub = AuthServiceGrpc.newBlockingStub(channel);
        this.keys = new PublicKeyCache(stub, settings, clock, keyFetcher);
        this.verifier = new JwksVerifier(keys, settings.jwt(), clock);
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(settings.verifiedMaxSize())
                .expireAfterWrite(settings.verifiedTtl())
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .recordStats()
                .build();
    }

    /** A client over a channel to auth-service (normally {@code NovaClients.channel("auth-service")}). */
    public static AuthClient create(Channel channel, AuthClientSettings settings) {
        return new AuthClient(channel, settings, Clock.systemUTC(), AuthClient::fetchOnVirtualThread);
    }

    /** A client on a test's clock, whose key fetches run on {@code keyFetcher}. */
    static AuthClient create(Channel channel, AuthClientSettings settings, Clock clock, Executor keyFetcher) {
        return new AuthClient(channel, settings, clock, keyFetcher);
    }

    /** Key fetches run on a virtual thread of their own, outside any caller's gRPC Context and deadline. */
    private static void fetchOnVirtualThread(Runnable fetch) {
        Thread.ofVirtual().name("auth-client-key-fetch").start(fetch);
    }

    /** The blocking stub for every other RPC of auth-service. */
    public AuthServiceGrpc.AuthServiceBlockingStub stub() {
        return stub;
    }

    /**
     * Verifies an access token locally. An unknown signing key (auth-service rotated) refetches the
     * keys once and tries again.
     *
     * @throws NovaException UNAUTHENTICATED (reason TOKEN_EXPIRED or TOKEN_INVALID) if it does not
     *                       verify; UNAVAILABLE (reason SIGNING_KEYS_UNAVAILABLE) when auth-service's
     *                       keys cannot be had and none are cached, or those cached are older than
     *                       their max age plus {@code jwks-max-stale}
     */
    public VerifiedToken verify(String accessToken) {
        VerifiedToken known = verified.getIfPresent(accessToken);
        if (known != null && known.expiresAt().isAfter(clock.instant())) {
            return known;
        }
        VerifiedToken token = verifySignature(accessToken);
        verified.put(accessToken, token);
        return token;
    }

    /** How many verifications were answered from tokens verified before (a signature check saved each). */
    public long verificationsRemembered() {
        return verified.stats().hitCount();
    }

    private VerifiedToken verifySignature(String accessToken) {
        try {
            return verified(verifyOnce(accessToken));
        } catch (UnknownKeyIdException unknownKey) {
            if (!keys.refetch()) {
                throw refused(unknownKey);
            }
            try {
                return verified(verifyOnce(accessToken));
            } catch (TokenVerificationException e) {
                throw refused(e);
            }
        } catch (TokenVerificationException e) {
            throw refused(e);
        }
    }

    /** How many times the public keys were fetched from auth-service. */
    public int keyFetches() {
        return keys.fetchCount();
    }

    private AccessToken verifyOnce(String accessToken) {
        return verifier.verify(accessToken);
    }

    private static VerifiedToken verified(AccessToken token) {
        return new VerifiedToken(token.userId(), token.sessionId(), token.issuedAt(), token.expiresAt());
    }

    private static NovaException refused(TokenVerificationException e) {
        String reason = e.reason() == TokenVerificationException.Reason.EXPIRED ? "TOKEN_EXPIRED" : "TOKEN_INVALID";
        return NovaException.builder(
                        ErrorCode.UNAUTHENTICATED,
                        "access token refused: " + e.reason().message())
                .reason(reason)
                .domain(DOMAIN)
                .build();
    }
}
