package social.nova.clients.auth;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.nimbusds.jose.jwk.JWKSet;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.GetPublicKeysRequest;
import social.nova.contracts.auth.v1.GetPublicKeysResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/**
 * auth-service's public keys, fetched with GetPublicKeys and kept for the {@code max_age} the
 * service announces. Verifying a token therefore needs no call in the common case.
 *
 * <ul>
 *   <li>From {@code jwks-refresh-ahead} before the keys reach their max age, a request that reads
 *       them starts a fetch in the background and goes on with the keys it has: no request waits
 *       for a refresh while it has usable keys.</li>
 *   <li>When auth-service does not answer, the last good keys stay in use up to
 *       {@code jwks-max-stale} past their max age; background fetches are then tried at most once
 *       per {@code min-refetch-gap}. After that the cache fails closed: UNAVAILABLE.</li>
 *   <li>A token signed by a key the cache does not know (a rotation) triggers {@link #refetch()},
 *       at most once per {@code min-refetch-gap} however many forged tokens arrive.</li>
 *   <li>At most one fetch runs at a time; whoever needs its answer waits on it (a future, so a
 *       virtual thread unmounts while it waits, and no lock is held across the call).</li>
 * </ul>
 */
final class PublicKeyCache implements Supplier<JWKSet> {
    private static final System.Logger LOG = System.getLogger(PublicKeyCache.class.getName());

    private final AuthServiceGrpc.AuthServiceBlockingStub auth;
    private final AuthClientSettings settings;
    private final Clock clock;
    /** Runs fetches, so that the caller that started one is not the one that waits on the call. */
    private final Executor fetcher;

    private final AtomicReference<CompletableFuture<Snapshot>> inFlight = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile Snapshot snapshot;
    /** When an unknown key id last caused a fetch; such fetches are spaced by min-refetch-gap. */
    private volatile Instant lastRefetch = Instant.MIN;
    /** When the last fetch started, failed or not; background fetches are spaced by min-refetch-gap. */
    private volatile Instant lastAttempt = Instant.MIN;

    /** Keys as fetched: fresh until {@code expiresAt}, usable until {@code staleUntil}. */
    private record Snapshot(JWKSet keys, Instant refreshFrom, Instant expiresAt, Instant staleUntil) {}

    PublicKeyCache(
            AuthServiceGrpc.AuthServiceBlockingStub auth, AuthClientSettings settings, Clock clock, Executor fetcher) {
        this.auth = auth;
        this.settings = settings;
        this.clock = clock;
        this.fetcher = fetcher;
    }

    @Override
    public JWKSet get() {
        Instant now = clock.instant();
        Snapshot current = snapshot;
        if (current != null && now.isBefore(current.staleUntil())) {
            if (!now.isBefore(current.refreshFrom()) && !now.isBefore(lastAttempt.plus(settings.minRefetchGap()))) {
                fetchInBackground(now);
            }
            return current.keys();
        }
        return awaitFetch(now, current).keys();
    }

    /**
     * Fetches again unless an unknown key id caused a fetch less than {@code min-refetch-gap} ago;
     * true if keys arrived that the cache did not have before.
     *
     * @throws NovaException UNAVAILABLE if auth-service does not answer the fetch
     */
    boolean refetch() {
        Instant now = clock.instant();
        Snapshot before = snapshot;
        if (before != null && now.isBefore(lastRefetch.plus(settings.minRefetchGap()))) {
            return false;
        }
        lastRefetch = now;
        return awaitFetch(now, before) != before;
    }

    /** How many times the keys were fetched from auth-service (observability and tests). */
    int fetchCount() {
        return fetches.get();
    }

    private void fetchInBackground(Instant now) {
        fetch(now).exceptionally(failure -> {
            Snapshot kept = snapshot;
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Cannot refresh auth-service''s public keys ({0}); the keys of {1} " + "stay in use until {2}",
                    failure.getMessage(),
                    kept == null ? "-" : kept.expiresAt(),
                    kept == null ? "-" : kept.staleUntil());
            return null;
        });
    }

    /** Waits for the fetch in flight (or a new one); the snapshot it brought. */
    private Snapshot awaitFetch(Instant now, Snapshot current) {
        try {
            return fetch(now).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof NovaException nova) {
                throw nova;
            }
            throw NovaException.builder(
                            ErrorCode.UNAVAILABLE,
                            "access tokens cannot be verified right now: the signing keys are unavailable; retry later")
                    .reason("SIGNING_KEYS_UNAVAILABLE")
                    .domain(AuthClient.DOMAIN)
                    .cause(cause)
                    .build();
        }
    }

    /** The fetch in flight, or a new one: at most one runs at a time. */
    private CompletableFuture<Snapshot> fetch(Instant now) {
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<Snapshot> running = inFlight.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        lastAttempt = now;
        try {
            fetcher.execute(() -> {
                try {
                    Snapshot fetched = callAuthService();
                    snapshot = fetched;
                    inFlight.set(null);
                    mine.complete(fetched);
                } catch (RuntimeException | Error e) {
                    inFlight.set(null);
                    mine.completeExceptionally(e);
                }
            });
        } catch (RuntimeException rejected) {
            inFlight.set(null);
            mine.completeExceptionally(rejected);
        }
        return mine;
    }

    private Snapshot callAuthService() {
        Instant started = clock.instant();
        GetPublicKeysResponse response = auth.withDeadlineAfter(
                        settings.fetchDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .getPublicKeys(GetPublicKeysRequest.getDefaultInstance());
        JWKSet keys;
        try {
            keys = JWKSet.parse(response.getJwksJson());
        } catch (ParseException e) {
            throw NovaException.internal("auth-service published a malformed JWKS: " + e.getMessage());
        }
        fetches.incrementAndGet();
        Duration maxAge = Duration.ofSeconds(Math.max(1, response.getMaxAgeSeconds()));
        Instant expiresAt = started.plus(maxAge);
        Instant refreshFrom = expiresAt.minus(settings.jwksRefreshAhead());
        return new Snapshot(
                keys,
                refreshFrom.isBefore(started) ? started : refreshFrom,
                expiresAt,
                expiresAt.plus(settings.jwksMaxStale()));
    }
}
