package social.nova.clients.auth;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.nimbusds.jose.jwk.JWKSet;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.GetPublicKeysRequest;
import social.nova.contracts.auth.v1.GetPublicKeysResponse;
import social.nova.errors.NovaException;

/**
 * auth-service's public keys, fetched with GetPublicKeys and kept for the {@code max_age} the
 * service announces. Verifying a token therefore needs no call in the common case; a token signed
 * by a key the cache does not know (a rotation) triggers {@link #refetch()}, at most once per
 * {@code min-refetch-gap} (however many forged tokens arrive).
 */
final class PublicKeyCache implements Supplier<JWKSet> {
    private final AuthServiceGrpc.AuthServiceBlockingStub auth;
    private final AuthClientSettings settings;
    private final Clock clock;
    private volatile Snapshot snapshot;
    /** When an unknown key id last caused a fetch; such fetches are spaced by min-refetch-gap. */
    private volatile Instant lastRefetch = Instant.MIN;
    private int fetches;

    private record Snapshot(JWKSet keys, Instant expiresAt) {
    }

    PublicKeyCache(AuthServiceGrpc.AuthServiceBlockingStub auth, AuthClientSettings settings, Clock clock) {
        this.auth = auth;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public JWKSet get() {
        Snapshot current = snapshot;
        if (current == null || !clock.instant().isBefore(current.expiresAt())) {
            current = fetch(false);
        }
        return current.keys();
    }

    /** Fetches again unless the last fetch was less than {@code min-refetch-gap} ago; true if it fetched. */
    boolean refetch() {
        Snapshot before = snapshot;
        return fetch(true) != before;
    }

    /** How many times the keys were fetched (observability and tests). */
    synchronized int fetchCount() {
        return fetches;
    }

    private synchronized Snapshot fetch(boolean onUnknownKey) {
        Instant now = clock.instant();
        if (snapshot != null) {
            boolean fresh = now.isBefore(snapshot.expiresAt());
            boolean tooSoon = now.isBefore(lastRefetch.plus(settings.minRefetchGap()));
            if ((!onUnknownKey && fresh) || (onUnknownKey && tooSoon)) {
                return snapshot;
            }
        }
        GetPublicKeysResponse response = auth.withDeadlineAfter(settings.fetchDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .getPublicKeys(GetPublicKeysRequest.getDefaultInstance());
        JWKSet keys;
        try {
            keys = JWKSet.parse(response.getJwksJson());
        } catch (ParseException e) {
            throw NovaException.internal("auth-service published a malformed JWKS: " + e.getMessage());
        }
        fetches++;
        if (onUnknownKey) {
            lastRefetch = now;
        }
        snapshot = new Snapshot(keys, now.plus(Duration.ofSeconds(Math.max(1, response.getMaxAgeSeconds()))));
        return snapshot;
    }
}
