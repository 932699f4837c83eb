package social.nova.auth;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;

/** SQL for {@code auth.sessions} and {@code auth.refresh_tokens}. */
final class SessionStore {

    /** A stored refresh token with what deciding on it needs. */
    record StoredRefreshToken(UUID sessionId, UUID accountId, Instant expiresAt, boolean used, boolean sessionRevoked) {
    }

    void createSession(Handle handle, UUID sessionId, UUID accountId, Instant now) {
        handle.createUpdate("INSERT INTO sessions (id, account_id, created_at) VALUES (:id, :account, :now)")
                .bind("id", sessionId).bind("account", accountId).bind("now", Timestamp.from(now)).execute();
    }

    void insertRefreshToken(Handle handle, String tokenHash, UUID sessionId, Instant now, Instant expiresAt) {
        handle.createUpdate("INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) "
                                    + "VALUES (:hash, :session, :now, :expires)")
                .bind("hash", tokenHash).bind("session", sessionId)
                .bind("now", Timestamp.from(now)).bind("expires", Timestamp.from(expiresAt))
                .execute();
    }

    Optional<StoredRefreshToken> refreshToken(Handle handle, String tokenHash) {
        return handle.createQuery("SELECT t.session_id, s.account_id, t.expires_at, t.used_at IS NOT NULL AS used, "
                                          + "s.revoked_at IS NOT NULL AS revoked "
                                          + "FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id "
                                          + "WHERE t.token_hash = :hash")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> new StoredRefreshToken(rs.getObject("session_id", UUID.class),
                        rs.getObject("account_id", UUID.class),
                        rs.getTimestamp("expires_at").toInstant(),
                        rs.getBoolean("used"),
                        rs.getBoolean("revoked")))
                .findOne();
    }

    /** Marks a refresh token used; false if it was used already (a concurrent refresh won). */
    boolean markUsed(Handle handle, String tokenHash, Instant now) {
        return handle.createUpdate("UPDATE refresh_tokens SET used_at = :now WHERE token_hash = :hash AND used_at IS NULL")
                .bind("hash", tokenHash).bind("now", Timestamp.from(now)).execute() == 1;
    }

    void revokeSession(Handle handle, UUID sessionId, String why, Instant now) {
        handle.createUpdate("UPDATE sessions SET revoked_at = :now, revoked_why = :why "
                                    + "WHERE id = :id AND revoked_at IS NULL")
                .bind("id", sessionId).bind("why", why).bind("now", Timestamp.from(now)).execute();
    }

    boolean isActive(Handle handle, UUID sessionId) {
        return handle.createQuery("SELECT count(*) FROM sessions WHERE id = :id AND revoked_at IS NULL")
                .bind("id", sessionId).mapTo(Integer.class).one() == 1;
    }
}
