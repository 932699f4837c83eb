package social.nova.auth;

import java.net.URI;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;

/**
 * SQL for {@code auth.oidc_sign_ins} (started sign-ins) and {@code auth.identities} (provider
 * identities linked to accounts). Every method runs on the caller's handle (and transaction).
 */
final class OidcStore {
    /** A started sign-in, as stored. */
    record Started(String provider, String nonce, String codeVerifier, URI redirectUri, Instant expiresAt) {}

    /** At most this many expired sign-ins are deleted per started one: the table stays small, no job needed. */
    private static final int PURGE_BATCH = 100;

    void start(Handle handle, String stateHash, Started started) {
        handle.createUpdate("INSERT INTO oidc_sign_ins (state_hash, provider, nonce, code_verifier, redirect_uri, "
                        + "expires_at) VALUES (:stateHash, :provider, :nonce, :verifier, :redirectUri, :expiresAt)")
                .bind("stateHash", stateHash)
                .bind("provider", started.provider())
                .bind("nonce", started.nonce())
                .bind("verifier", started.codeVerifier())
                .bind("redirectUri", started.redirectUri().toString())
                .bind("expiresAt", Timestamp.from(started.expiresAt()))
                .execute();
    }

    /** Removes and answers the sign-in of this state: a state is usable once, whatever comes next. */
    Optional<Started> consume(Handle handle, String stateHash) {
        return handle.createQuery("DELETE FROM oidc_sign_ins WHERE state_hash = :stateHash "
                        + "RETURNING provider, nonce, code_verifier, redirect_uri, expires_at")
                .bind("stateHash", stateHash)
                .map((rs, ctx) -> new Started(
                        rs.getString("provider"),
                        rs.getString("nonce"),
                        rs.getString("code_verifier"),
                        URI.create(rs.getString("redirect_uri")),
                        rs.getTimestamp("expires_at").toInstant()))
                .findOne();
    }

    void purgeExpired(Handle handle, Instant now) {
        handle.createUpdate("DELETE FROM oidc_sign_ins WHERE state_hash IN (SELECT state_hash FROM oidc_sign_ins "
                        + "WHERE expires_at < :now LIMIT " + PURGE_BATCH + ")")
                .bind("now", Timestamp.from(now))
                .execute();
    }

    /** The account an identity signs in to, noting the sign-in. */
    Optional<UUID> signIn(Handle handle, String provider, String subject, Instant now) {
        return handle.createQuery("UPDATE identities SET last_sign_in_at = :now "
                        + "WHERE provider = :provider AND subject = :subject RETURNING account_id")
                .bind("provider", provider)
                .bind("subject", subject)
                .bind("now", Timestamp.from(now))
                .mapTo(UUID.class)
                .findOne();
    }

    /** Links an identity to an account; a concurrent link of the same identity fails on the primary key. */
    void link(Handle handle, String provider, String subject, UUID accountId, String email, Instant now) {
        handle.createUpdate("INSERT INTO identities (provider, subject, account_id, email, linked_at, last_sign_in_at) "
                        + "VALUES (:provider, :subject, :accountId, :email, :now, :now)")
                .bind("provider", provider)
                .bind("subject", subject)
                .bind("accountId", accountId)
                .bind("email", email)
                .bind("now", Timestamp.from(now))
                .execute();
    }
}
