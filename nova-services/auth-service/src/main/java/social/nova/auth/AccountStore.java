package social.nova.auth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for {@code auth.accounts}. Every method runs on the caller's handle (and transaction). */
final class AccountStore {
    /** The stored TOTP values of an account (encrypted, or plain Base32 from before encryption). */
    record StoredTotp(UUID id, String secret, String pending) {}

    private static final String COLUMNS = "id, email, username, display_name, password_hash, created_at, "
            + "totp_secret, totp_pending, totp_enabled_at, totp_last_step, email_verified_at";

    Optional<Account> byEmail(Handle handle, String email) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM accounts WHERE lower(email) = lower(:email)")
                .bind("email", email)
                .map(AccountStore::account)
                .findOne();
    }

    Optional<Account> byId(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM accounts WHERE id = :id")
                .bind("id", id)
                .map(AccountStore::account)
                .findOne();
    }

    /** Inserts a new account; a duplicate email or username fails with the unique index's name. */
    void insert(Handle handle, Account account) {
        handle.createUpdate("INSERT INTO accounts (id, email, username, display_name, password_hash, created_at) "
                        + "VALUES (:id, :email, :username, :displayName, :hash, :createdAt)")
                .bind("id", account.id())
                .bind("email", account.email())
                .bind("username", account.username())
                .bind("displayName", account.displayName())
                .bind("hash", account.passwordHash())
                .bind("createdAt", Timestamp.from(account.createdAt()))
                .execute();
    }

    boolean usernameTaken(Handle handle, String username) {
        return handle.createQuery("SELECT EXISTS (SELECT 1 FROM accounts WHERE username = :username)")
                .bind("username", username)
                .mapTo(Boolean.class)
                .one();
    }

    void updatePasswordHash(Handle handle, UUID id, String hash) {
        handle.createUpdate("UPDATE accounts SET password_hash = :hash WHERE id = :id")
                .bind("id", id)
                .bind("hash", hash)
                .execute();
    }

    /**
     * Marks the account's address verified at {@code now} unless it already was; true when this call
     * verified it (so its EmailVerified event is recorded once).
     */
    boolean markEmailVerified(Handle handle, UUID id, Instant now) {
        return handle.createUpdate(
                                "UPDATE accounts SET email_verified_at = :now WHERE id = :id AND email_verified_at IS NULL")
                        .bind("id", id)
                        .bind("now", Timestamp.from(now))
                        .execute()
                == 1;
    }

    void setPendingTotp(Handle handle, UUID id, String secret) {
        handle.createUpdate("UPDATE accounts SET totp_pending = :secret WHERE id = :id")
                .bind("id", id)
                .bind("secret", secret)
                .execute();
    }

    void enableTotp(Handle handle, UUID id, long step, Instant now) {
        handle.createUpdate("UPDATE accounts SET totp_secret = totp_pending, totp_pending = NULL, "
                        + "totp_enabled_at = :now, totp_last_step = :step WHERE id = :id")
                .bind("id", id)
                .bind("step", step)
                .bind("now", Timestamp.from(now))
                .execute();
    }

    void disableTotp(Handle handle, UUID id) {
        handle.createUpdate("UPDATE accounts SET totp_secret = NULL, totp_pending = NULL, totp_enabled_at = NULL, "
                        + "totp_last_step = NULL WHERE id = :id")
                .bind("id", id)
                .execute();
    }

    /**
     * Records that the code of {@code step} was used; false if that step (or a later one) was used
     * before, which makes every TOTP code single-use even under concurrent logins.
     */
    boolean consumeTotpStep(Handle handle, UUID id, long step) {
        return handle.createUpdate("UPDATE accounts SET totp_last_step = :step "
                                + "WHERE id = :id AND (totp_last_step IS NULL OR totp_last_step < :step)")
                        .bind("id", id)
                        .bind("step", step)
                        .execute()
                == 1;
    }

    /** Accounts with a TOTP value not matching {@code currentPattern} (SQL LIKE): plain or under an older key. */
    List<StoredTotp> totpNotUnder(Handle handle, String currentPattern, int limit) {
        return handle.createQuery("SELECT id, totp_secret, totp_pending FROM accounts "
                        + "WHERE (totp_secret IS NOT NULL AND totp_secret NOT LIKE :current) "
                        + "OR (totp_pending IS NOT NULL AND totp_pending NOT LIKE :current) LIMIT :limit")
                .bind("current", currentPattern)
                .bind("limit", limit)
                .map((rs, ctx) -> new StoredTotp(
                        rs.getObject("id", UUID.class), rs.getString("totp_secret"), rs.getString("totp_pending")))
                .list();
    }

    /** One account with a TOTP value matching {@code currentPattern} (SQL LIKE), if any. */
    Optional<StoredTotp> anyTotpUnder(Handle handle, String currentPattern) {
        return handle.createQuery("SELECT id, CASE WHEN totp_secret LIKE :current THEN totp_secret END AS totp_secret, "
                        + "CASE WHEN totp_secret LIKE :current THEN NULL ELSE totp_pending END AS totp_pending "
                        + "FROM accounts WHERE totp_secret LIKE :current OR totp_pending LIKE :current LIMIT 1")
                .bind("current", currentPattern)
                .map((rs, ctx) -> new StoredTotp(
                        rs.getObject("id", UUID.class), rs.getString("totp_secret"), rs.getString("totp_pending")))
                .findOne();
    }

    /** Replaces both TOTP values if they are still {@code old}'s; false if the row changed meanwhile. */
    boolean replaceTotp(Handle handle, StoredTotp old, String secret, String pending) {
        return handle.createUpdate("UPDATE accounts SET totp_secret = :secret, totp_pending = :pending WHERE id = :id "
                                + "AND totp_secret IS NOT DISTINCT FROM :oldSecret "
                                + "AND totp_pending IS NOT DISTINCT FROM :oldPending")
                        .bind("id", old.id())
                        .bind("secret", secret)
                        .bind("pending", pending)
                        .bind("oldSecret", old.secret())
                        .bind("oldPending", old.pending())
                        .execute()
                == 1;
    }

    private static Account account(ResultSet rs, StatementContext ctx) throws SQLException {
        long lastStepValue = rs.getLong("totp_last_step");
        Long lastStep = rs.wasNull() ? null : lastStepValue;
        return new Account(
                rs.getObject("id", UUID.class),
                rs.getString("email"),
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getString("password_hash"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("totp_secret"),
                rs.getString("totp_pending"),
                Optional.ofNullable(rs.getTimestamp("totp_enabled_at"))
                        .map(Timestamp::toInstant)
                        .orElse(null),
                lastStep,
                Optional.ofNullable(rs.getTimestamp("email_verified_at"))
                        .map(Timestamp::toInstant)
                        .orElse(null));
    }
}
