package social.nova.auth;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;

/** SQL for {@code auth.sessions} and {@code auth.refresh_tokens}. */
final class SessionStore {

    /**
     * A stored refresh token with what deciding on it needs.
     *
     * @param usedAt        when it was exchanged, or null
     * @param replayPair    the sealed answer of that exchange ({@link RefreshReplay}), or null
     * @param successorUsed whether the token it was exchanged for has been exchanged in turn
     * @param emailVerified whether the account's address is verified (for the next access token)
     */
    record StoredRefreshToken(
            UUID sessionId,
            UUID accountId,
            Instant expiresAt,
            Instant usedAt,
            boolean sessionRevoked,
            byte[] replayPair,
            boolean successorUsed,
            boolean emailVerified) {
        boolean used() {
            return usedAt != null;
        }
    }

    void createSession(Handle handle, UUID sessionId, UUID accountId, Instant now) {
        handle.createUpdate("INSERT INTO sessions (id, account_id, created_at) VALUES (:id, :account, :now)")
                .bind("id", sessionId)
                .bind("account", accountId)
                .bind("now", Timestamp.from(now))
                .execute();
    }

    void insertRefreshToken(Handle handle, String tokenHash, UUID sessionId, Instant now, Instant expiresAt) {
        handle.createUpdate("INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) "
                        + "VALUES (:hash, :session, :now, :expires)")
                .bind("hash", tokenHash)
                .bind("session", sessionId)
                .bind("now", Timestamp.from(now))
                .bind("expires", Timestamp.from(expiresAt))
                .execute();
    }

    Optional<StoredRefreshToken> refreshToken(Handle handle, String tokenHash) {
        return findRefreshToken(handle, tokenHash, "");
    }

    /**
     * The token, its row locked until the transaction ends: a retry that arrives while the first
     * Refresh is still running waits for it and then sees its answer.
     */
    Optional<StoredRefreshToken> refreshTokenForUpdate(Handle handle, String tokenHash) {
        return findRefreshToken(handle, tokenHash, " FOR UPDATE OF t");
    }

    private Optional<StoredRefreshToken> findRefreshToken(Handle handle, String tokenHash, String lock) {
        return handle.createQuery("SELECT t.session_id, s.account_id, t.expires_at, t.used_at, "
                        + "s.revoked_at IS NOT NULL AS revoked, t.replay_pair, "
                        + "n.used_at IS NOT NULL AS successor_used, a.email_verified_at IS NOT NULL AS email_verified "
                        + "FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id "
                        + "JOIN accounts a ON a.id = s.account_id "
                        + "LEFT JOIN refresh_tokens n ON n.token_hash = t.replaced_by "
                        + "WHERE t.token_hash = :hash" + lock)
                .bind("hash", tokenHash)
                .map((rs, ctx) -> new StoredRefreshToken(
                        rs.getObject("session_id", UUID.class),
                        rs.getObject("account_id", UUID.class),
                        rs.getTimestamp("expires_at").toInstant(),
                        Optional.ofNullable(rs.getTimestamp("used_at"))
                                .map(Timestamp::toInstant)
                                .orElse(null),
                        rs.getBoolean("revoked"),
                        rs.getBytes("replay_pair"),
                        rs.getBoolean("successor_used"),
                        rs.getBoolean("email_verified")))
                .findOne();
    }

    /**
     * Marks a refresh token used, exchanged for {@code successorHash} with the sealed answer kept for
     * a retry; false if it was used already. The predecessor's answer is dropped: once this token is
     * exchanged, a retry of the one before is no retry.
     */
    boolean markUsed(Handle handle, String tokenHash, Instant now, String successorHash, byte[] replayPair) {
        handle.createUpdate("UPDATE refresh_tokens SET replay_pair = NULL WHERE replaced_by = :hash "
                        + "AND replay_pair IS NOT NULL")
                .bind("hash", tokenHash)
                .execute();
        return handle.createUpdate(
                                "UPDATE refresh_tokens SET used_at = :now, replaced_by = :successor, replay_pair = :replay "
                                        + "WHERE token_hash = :hash AND used_at IS NULL")
                        .bind("hash", tokenHash)
                        .bind("now", Timestamp.from(now))
                        .bind("successor", successorHash)
                        .bind("replay", replayPair)
                        .execute()
                == 1;
    }

    /**
     * What {@link #markUsed} and {@link #insertRefreshToken} do together, in one statement that
     * commits on its own, and only while the token is live: unused, unexpired at {@code now}, its
     * session open. False when it was not (another call exchanged it or ended its session since it
     * was read): nothing is changed then. Two calls with one token serialise on its row, and the
     * second sees it used.
     */
    boolean exchange(
            Handle handle,
            String tokenHash,
            Instant now,
            String successorHash,
            Instant successorExpiresAt,
            byte[] replayPair) {
        return handle.createQuery("WITH exchanged AS ("
                                + "UPDATE refresh_tokens t SET used_at = :now, replaced_by = :successor, "
                                + "replay_pair = :replay "
                                + "WHERE t.token_hash = :hash AND t.used_at IS NULL AND t.expires_at > :now "
                                + "AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = t.session_id "
                                + "AND s.revoked_at IS NULL) RETURNING t.session_id), "
                                + "successor AS (INSERT INTO refresh_tokens (token_hash, session_id, issued_at, "
                                + "expires_at) SELECT :successor, session_id, :now, :expires FROM exchanged), "
                                + "forgotten AS (UPDATE refresh_tokens SET replay_pair = NULL "
                                + "WHERE replaced_by = :hash AND replay_pair IS NOT NULL "
                                + "AND EXISTS (SELECT 1 FROM exchanged)) "
                                + "SELECT count(*) FROM exchanged")
                        .bind("hash", tokenHash)
                        .bind("now", Timestamp.from(now))
                        .bind("successor", successorHash)
                        .bind("expires", Timestamp.from(successorExpiresAt))
                        .bind("replay", replayPair)
                        .mapTo(Integer.class)
                        .one()
                == 1;
    }

    /** Drops the answer kept for a retry (the token was reused after the grace). */
    void forgetReplay(Handle handle, String tokenHash) {
        handle.createUpdate("UPDATE refresh_tokens SET replay_pair = NULL WHERE token_hash = :hash")
                .bind("hash", tokenHash)
                .execute();
    }

    void revokeSession(Handle handle, UUID sessionId, String why, Instant now) {
        handle.createUpdate("UPDATE sessions SET revoked_at = :now, revoked_why = :why "
                        + "WHERE id = :id AND revoked_at IS NULL")
                .bind("id", sessionId)
                .bind("why", why)
                .bind("now", Timestamp.from(now))
                .execute();
    }

    /** Revokes every open session of the account (a password reset); returns how many. */
    int revokeAllSessions(Handle handle, UUID accountId, String why, Instant now) {
        return handle.createUpdate("UPDATE sessions SET revoked_at = :now, revoked_why = :why "
                        + "WHERE account_id = :account AND revoked_at IS NULL")
                .bind("account", accountId)
                .bind("why", why)
                .bind("now", Timestamp.from(now))
                .execute();
    }

    boolean isActive(Handle handle, UUID sessionId) {
        return handle.createQuery("SELECT count(*) FROM sessions WHERE id = :id AND revoked_at IS NULL")
                        .bind("id", sessionId)
                        .mapTo(Integer.class)
                        .one()
                == 1;
    }
}
