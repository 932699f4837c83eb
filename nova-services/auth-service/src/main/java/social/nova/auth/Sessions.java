package social.nova.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import social.nova.crypto.AccessToken;
import social.nova.crypto.DecryptionFailedException;
import social.nova.crypto.TokenVerificationException;
import social.nova.crypto.Tokens;
import social.nova.errors.Violations;

/**
 * Sessions and their tokens. A login opens a session; each Refresh kills the presented refresh
 * token and issues the next one of the same session (its family). Presenting a dead refresh
 * token again means it was stolen or replayed: the whole session is revoked. The one exception is
 * a retry: within {@code refresh-retry-grace} of the exchange, and while the token it was exchanged
 * for is still unused, the same token gets the same answer again ({@link RefreshReplay}), so a
 * client whose answer was lost (a gateway timeout) keeps its session.
 */
final class Sessions {
    private static final int REFRESH_TOKEN_BYTES = 32;

    private final Jdbi jdbi;
    private final SessionStore store;
    private final SigningKeys keys;
    private final Duration refreshTokenTtl;
    private final Duration retryGrace;
    private final Clock clock;

    Sessions(
            Jdbi jdbi,
            SessionStore store,
            SigningKeys keys,
            Duration refreshTokenTtl,
            Duration retryGrace,
            Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.keys = keys;
        this.refreshTokenTtl = refreshTokenTtl;
        this.retryGrace = retryGrace;
        this.clock = clock;
    }

    /** Opens a session for an authenticated account, inside the caller's transaction. */
    TokenPair open(Handle handle, UUID accountId, boolean emailVerified) {
        UUID sessionId = UUID.randomUUID();
        store.createSession(handle, sessionId, accountId, clock.instant());
        return issue(handle, accountId, sessionId, emailVerified).tokens();
    }

    /** Ends every session of the account, inside the caller's transaction (a password was reset). */
    void revokeAll(Handle handle, UUID accountId, String why) {
        store.revokeAllSessions(handle, accountId, why, clock.instant());
    }

    /**
     * Exchanges a refresh token for the next pair of its session. The common case, a live token
     * presented once, takes two round trips to PostgreSQL: a read, then one statement that exchanges
     * the token only if it is still live ({@link SessionStore#exchange}). Anything else (a used,
     * expired or unknown token, or a token another call exchanged or revoked between the two) is
     * decided under the token's row lock, as every case was before: a retry, reuse, or a refusal.
     */
    TokenPair refresh(String refreshToken) {
        new Violations().requireNonBlank(refreshToken, "refresh_token").throwIfAny();
        String hash = Tokens.sha256(refreshToken);
        Instant now = clock.instant();
        var stored = jdbi.withHandle(handle -> store.refreshToken(handle, hash)).orElse(null);
        if (stored != null && !stored.used() && !stored.sessionRevoked() && now.isBefore(stored.expiresAt())) {
            Issued next = signPair(stored.accountId(), stored.sessionId(), stored.emailVerified());
            byte[] replay = RefreshReplay.seal(refreshToken, hash, next.tokens(), next.accessTokenExpiresAt());
            String successor = Tokens.sha256(next.tokens().refreshToken());
            boolean exchanged = jdbi.withHandle(
                    handle -> store.exchange(handle, hash, now, successor, now.plus(refreshTokenTtl), replay));
            if (exchanged) {
                return next.tokens();
            }
        }
        return refreshLocked(refreshToken, hash);
    }

    /** Every case of a refresh, decided with the token's row locked. */
    private TokenPair refreshLocked(String refreshToken, String hash) {
        Outcome outcome = jdbi.inTransaction(handle -> {
            Instant now = clock.instant();
            var stored = store.refreshTokenForUpdate(handle, hash).orElse(null);
            if (stored == null || stored.expiresAt().isBefore(now)) {
                return Outcome.failed("REFRESH_TOKEN_INVALID", "the refresh token is unknown or expired");
            }
            if (stored.sessionRevoked()) {
                return Outcome.failed("SESSION_REVOKED", "the session of this refresh token has ended");
            }
            if (stored.used()) {
                TokenPair answered = retried(refreshToken, hash, stored, now);
                if (answered != null) {
                    return Outcome.issued(answered);
                }
                return reused(handle, hash, stored, now);
            }
            Issued next = issue(handle, stored.accountId(), stored.sessionId(), stored.emailVerified());
            byte[] replay = RefreshReplay.seal(refreshToken, hash, next.tokens(), next.accessTokenExpiresAt());
            if (!store.markUsed(handle, hash, now, Tokens.sha256(next.tokens().refreshToken()), replay)) {
                return reused(handle, hash, stored, now);
            }
            return Outcome.issued(next.tokens());
        });
        // The revocation above must commit even though the caller is refused, so the failure is
        // raised after the transaction rather than inside it.
        return outcome.tokensOrThrow();
    }

    /** Ends the session of a refresh token; unknown or ended sessions succeed (safe to retry). */
    void logout(String refreshToken) {
        new Violations().requireNonBlank(refreshToken, "refresh_token").throwIfAny();
        jdbi.useTransaction(handle -> store.refreshToken(handle, Tokens.sha256(refreshToken))
                .ifPresent(stored -> store.revokeSession(handle, stored.sessionId(), "logout", clock.instant())));
    }

    /** Verifies signature, expiry and that the session is still open. */
    AccessToken verify(String accessToken) {
        new Violations().requireNonBlank(accessToken, "access_token").throwIfAny();
        AccessToken token;
        try {
            token = keys.verifier().verify(accessToken);
        } catch (TokenVerificationException e) {
            throw AuthErrors.tokenInvalid(
                    e.reason() == TokenVerificationException.Reason.EXPIRED ? "TOKEN_EXPIRED" : "TOKEN_INVALID",
                    "access token refused: " + e.reason().message());
        }
        boolean active = jdbi.withHandle(handle -> store.isActive(handle, UUID.fromString(token.sessionId())));
        if (!active) {
            throw AuthErrors.tokenInvalid("SESSION_REVOKED", "access token refused: its session has ended");
        }
        return token;
    }

    /**
     * The answer given when {@code stored} was exchanged, if this is a retry of that exchange: within
     * the grace, and before the token it was exchanged for has been used. Null otherwise.
     */
    private TokenPair retried(String refreshToken, String hash, SessionStore.StoredRefreshToken stored, Instant now) {
        if (stored.replayPair() == null
                || stored.successorUsed()
                || !now.isBefore(stored.usedAt().plus(retryGrace))) {
            return null;
        }
        try {
            return RefreshReplay.open(refreshToken, hash, stored.replayPair(), now);
        } catch (DecryptionFailedException e) {
            // Only a changed row gets here; refusing (and revoking) is the safe side.
            return null;
        }
    }

    private Outcome reused(Handle handle, String hash, SessionStore.StoredRefreshToken stored, Instant now) {
        store.forgetReplay(handle, hash);
        store.revokeSession(handle, stored.sessionId(), "refresh token reused", now);
        return Outcome.failed(
                "REFRESH_TOKEN_REUSED", "the refresh token was already used; the session has been revoked");
    }

    private Issued issue(Handle handle, UUID accountId, UUID sessionId, boolean emailVerified) {
        Instant now = clock.instant();
        Issued issued = signPair(accountId, sessionId, emailVerified);
        store.insertRefreshToken(
                handle, Tokens.sha256(issued.tokens().refreshToken()), sessionId, now, now.plus(refreshTokenTtl));
        return issued;
    }

    /** A new refresh token (not stored yet) and a signed access token for the session. */
    private Issued signPair(UUID accountId, UUID sessionId, boolean emailVerified) {
        String refreshToken = Tokens.randomUrlSafe(REFRESH_TOKEN_BYTES);
        var issued = keys.signer().issue(accountId.toString(), sessionId.toString(), List.of(), emailVerified);
        return new Issued(
                new TokenPair(
                        issued.token(),
                        refreshToken,
                        Duration.between(
                                issued.claims().issuedAt(), issued.claims().expiresAt())),
                issued.claims().expiresAt());
    }

    /** A new pair and when its access token expires. */
    private record Issued(TokenPair tokens, Instant accessTokenExpiresAt) {}

    /** What a refresh transaction decided. */
    private record Outcome(TokenPair tokens, String reason, String message) {
        static Outcome issued(TokenPair tokens) {
            return new Outcome(tokens, null, null);
        }

        static Outcome failed(String reason, String message) {
            return new Outcome(null, reason, message);
        }

        TokenPair tokensOrThrow() {
            if (tokens == null) {
                throw AuthErrors.tokenInvalid(reason, message);
            }
            return tokens;
        }
    }
}
