package social.nova.auth;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;

/** SQL for {@code auth.email_tokens}: the single-use tokens of verification and reset mails, as hashes. */
final class EmailTokenStore {
    /** What a token is for; a token of one purpose is never accepted for the other. */
    enum Purpose {
        VERIFY_EMAIL("verify-email"),
        PASSWORD_RESET("password-reset");

        private final String column;

        Purpose(String column) {
            this.column = column;
        }
    }

    void insert(Handle handle, String tokenHash, UUID accountId, Purpose purpose, Instant now, Instant expiresAt) {
        handle.createUpdate("INSERT INTO email_tokens (token_hash, account_id, purpose, created_at, expires_at) "
                        + "VALUES (:hash, :account, :purpose, :now, :expires)")
                .bind("hash", tokenHash)
                .bind("account", accountId)
                .bind("purpose", purpose.column)
                .bind("now", Timestamp.from(now))
                .bind("expires", Timestamp.from(expiresAt))
                .execute();
    }

    /**
     * Uses the token: marks it used if it exists for {@code purpose}, is unused and has not expired
     * at {@code now}, in one statement (two concurrent uses cannot both succeed). Returns its account.
     */
    Optional<UUID> consume(Handle handle, String tokenHash, Purpose purpose, Instant now) {
        return handle.createQuery("UPDATE email_tokens SET used_at = :now "
                        + "WHERE token_hash = :hash AND purpose = :purpose AND used_at IS NULL AND expires_at > :now "
                        + "RETURNING account_id")
                .bind("hash", tokenHash)
                .bind("purpose", purpose.column)
                .bind("now", Timestamp.from(now))
                .mapTo(UUID.class)
                .findOne();
    }

    /** Whether the token exists for {@code purpose}, unused and unexpired at {@code now} (a read; nothing changes). */
    boolean usable(Handle handle, String tokenHash, Purpose purpose, Instant now) {
        return handle.createQuery(
                                "SELECT count(*) FROM email_tokens "
                                        + "WHERE token_hash = :hash AND purpose = :purpose AND used_at IS NULL AND expires_at > :now")
                        .bind("hash", tokenHash)
                        .bind("purpose", purpose.column)
                        .bind("now", Timestamp.from(now))
                        .mapTo(Integer.class)
                        .one()
                == 1;
    }

    /** Kills the account's other unused tokens of {@code purpose} (a reset link is good for one reset). */
    void expireUnused(Handle handle, UUID accountId, Purpose purpose, Instant now) {
        handle.createUpdate("UPDATE email_tokens SET used_at = :now "
                        + "WHERE account_id = :account AND purpose = :purpose AND used_at IS NULL")
                .bind("account", accountId)
                .bind("purpose", purpose.column)
                .bind("now", Timestamp.from(now))
                .execute();
    }
}
