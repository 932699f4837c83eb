package social.nova.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import social.nova.crypto.PasswordHasher;
import social.nova.crypto.PasswordHasherBusyException;
import social.nova.crypto.Totp;
import social.nova.db.Outbox;
import social.nova.db.OutboxEvent;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.errors.Violations;
import social.nova.kit.RateLimits;
import social.nova.redis.RateLimiter;

/**
 * Accounts: registration, login (password, then TOTP when 2FA is on) and 2FA enrolment.
 * Brute force is bounded per account and per client address by Redis rate limits.
 */
final class Accounts {
    static final String USER_REGISTERED = "UserRegistered";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern USERNAME = Pattern.compile("^[a-z0-9_]{3,30}$");
    private static final Pattern TOTP_CODE = Pattern.compile("^[0-9]{6}$");
    private static final int MAX_EMAIL = 254;
    private static final int MIN_PASSWORD = 8;
    private static final int MAX_PASSWORD = 128;
    private static final int MAX_DISPLAY_NAME = 50;
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String EMAIL_RULE = "must be an email address of at most " + MAX_EMAIL + " characters";
    static final String PASSWORD_RULE = "must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters";

    private final Jdbi jdbi;
    private final AccountStore accounts;
    private final Sessions sessions;
    private final PasswordHasher hasher;
    private final Totp totp;
    private final TotpSecrets totpSecrets;
    private final Limits limits;
    private final AccountMail mail;
    private final Clock clock;
    /** Verified when the email is unknown, so that the answer takes as long as for a wrong password. */
    private final String decoyHash;

    /** The rate limits of auth-service. */
    record Limits(
            RateLimiter loginPerAccount,
            RateLimiter loginPerClient,
            RateLimiter registerPerClient,
            RateLimiter totpPerAccount) {}

    /** A successful login. */
    record Login(UUID userId, TokenPair tokens) {}

    /** A started TOTP enrolment. */
    record Enrollment(String secret, String otpauthUri) {}

    Accounts(
            Jdbi jdbi,
            AccountStore accounts,
            Sessions sessions,
            PasswordHasher hasher,
            Totp totp,
            TotpSecrets totpSecrets,
            Limits limits,
            AccountMail mail,
            Clock clock) {
        this.jdbi = jdbi;
        this.accounts = accounts;
        this.sessions = sessions;
        this.hasher = hasher;
        this.totp = totp;
        this.totpSecrets = totpSecrets;
        this.limits = limits;
        this.mail = mail;
        this.clock = clock;
        this.decoyHash = hasher.hash("decoy-password-for-unknown-accounts".toCharArray());
    }

    UUID register(String email, String password, String username, String displayName, String clientAddress) {
        String normalizedUsername = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        String trimmedName = displayName == null ? "" : displayName.trim();
        new Violations()
                .require(isEmail(email), "email", EMAIL_RULE)
                .require(isPassword(password), "password", PASSWORD_RULE)
                .require(
                        USERNAME.matcher(normalizedUsername).matches(),
                        "username",
                        "must be 3 to 30 characters of a-z, 0-9 and _")
                .require(
                        !trimmedName.isEmpty() && trimmedName.length() <= MAX_DISPLAY_NAME,
                        "display_name",
                        "must be 1 to " + MAX_DISPLAY_NAME + " characters")
                .throwIfAny();
        enforce(limits.registerPerClient(), clientAddress);

        Account account = new Account(
                UUID.randomUUID(),
                email.trim(),
                normalizedUsername,
                trimmedName,
                hash(password),
                clock.instant(),
                null,
                null,
                null,
                null,
                null);
        try {
            jdbi.useTransaction(handle -> {
                accounts.insert(handle, account);
                Outbox.append(handle, userRegistered(account, false));
                mail.sendVerification(handle, account);
            });
        } catch (UnableToExecuteStatementException e) {
            throw duplicateOr(e);
        }
        return account.id();
    }

    /**
     * A new account for an OpenID Connect identity, in the caller's transaction: no password (a
     * password reset can set one), the profile follows through UserRegistered as for {@link
     * #register}; the address counts as verified when the provider says so, else it gets the
     * verification mail.
     */
    Account createFederated(Handle handle, String email, String username, String displayName, boolean emailVerified) {
        Instant now = clock.instant();
        Account account =
                new Account(UUID.randomUUID(), email, username, displayName, null, now, null, null, null, null, null);
        accounts.insert(handle, account);
        if (emailVerified) {
            // Verified as it is made: UserRegistered says so, and no EmailVerified follows. Two
            // events at once could reach two user-service instances, and an EmailVerified handled
            // before its profile exists waits for a redelivery (30 s).
            accounts.markEmailVerified(handle, account.id(), now);
            Outbox.append(handle, userRegistered(account, true));
        } else {
            Outbox.append(handle, userRegistered(account, false));
            mail.sendVerification(handle, account);
        }
        return account;
    }

    Login login(String email, String password, String totpCode, String clientAddress) {
        new Violations()
                .requireNonBlank(email, "email")
                .requireNonBlank(password, "password")
                .require(totpCode == null || TOTP_CODE.matcher(totpCode).matches(), "totp_code", "must be 6 digits")
                .throwIfAny();
        enforce(limits.loginPerClient(), clientAddress);
        enforce(limits.loginPerAccount(), email.trim().toLowerCase(Locale.ROOT));

        Account account = jdbi.withHandle(handle -> accounts.byEmail(handle, email.trim()))
                .orElse(null);
        if (account == null || account.passwordHash() == null) {
            // Unknown, or an account made by an OpenID Connect sign-in that never set a password:
            // the same answer, after the same work.
            verify(password, decoyHash);
            throw AuthErrors.invalidCredentials();
        }
        if (!verify(password, account.passwordHash())) {
            throw AuthErrors.invalidCredentials();
        }
        if (account.totpEnabled()) {
            if (totpCode == null) {
                throw AuthErrors.totpRequired();
            }
            requireFreshCode(account, totpSecrets.open(account.id(), account.totpSecret()), totpCode);
        }
        return jdbi.inTransaction(handle -> {
            if (hasher.needsRehash(account.passwordHash())) {
                accounts.updatePasswordHash(handle, account.id(), hash(password));
            }
            return new Login(account.id(), sessions.open(handle, account.id(), account.emailVerified()));
        });
    }

    /**
     * Sets a new password with a reset token and revokes every session of the account. The token
     * proves the address too (its mail reached the owner), so the address counts as verified.
     */
    UUID resetPassword(String token, String newPassword) {
        new Violations()
                .requireNonBlank(token, "token")
                .require(isPassword(newPassword), "new_password", PASSWORD_RULE)
                .throwIfAny();
        // A token that cannot work is refused before the Argon2 hash: a flood of made-up tokens
        // must not cost a password hash each. The transaction below uses it for real.
        mail.requireUsableResetToken(token);
        String hash = hash(newPassword);
        return jdbi.inTransaction(handle -> {
            UUID accountId = mail.consumeResetToken(handle, token);
            accounts.updatePasswordHash(handle, accountId, hash);
            sessions.revokeAll(handle, accountId, "password reset");
            mail.markVerified(handle, accountId, clock.instant());
            return accountId;
        });
    }

    Enrollment enrollTotp(UUID userId) {
        Account account = existing(userId);
        if (account.totpEnabled()) {
            throw AuthErrors.of(
                    ErrorCode.FAILED_PRECONDITION,
                    "TOTP_ALREADY_ENABLED",
                    "two-factor authentication is already on; disable it first");
        }
        String secret = totp.generateSecret();
        jdbi.useHandle(handle -> accounts.setPendingTotp(handle, userId, totpSecrets.seal(userId, secret)));
        return new Enrollment(secret, totp.otpauthUri(secret, account.email()));
    }

    Instant confirmTotp(UUID userId, String code) {
        requireCodeFormat(code);
        Account account = existing(userId);
        if (account.totpEnabled()) {
            throw AuthErrors.of(
                    ErrorCode.FAILED_PRECONDITION, "TOTP_ALREADY_ENABLED", "two-factor authentication is already on");
        }
        if (account.totpPending() == null) {
            throw AuthErrors.of(ErrorCode.FAILED_PRECONDITION, "TOTP_NOT_ENROLLED", "call EnrollTotp first");
        }
        enforce(limits.totpPerAccount(), userId.toString());
        Instant now = clock.instant();
        OptionalLong step = totp.matchingStep(totpSecrets.open(userId, account.totpPending()), code, now);
        if (step.isEmpty()) {
            throw AuthErrors.totpInvalid();
        }
        jdbi.useHandle(handle -> accounts.enableTotp(handle, userId, step.getAsLong(), now));
        return now;
    }

    void disableTotp(UUID userId, String code) {
        requireCodeFormat(code);
        Account account = existing(userId);
        if (!account.totpEnabled()) {
            throw AuthErrors.of(ErrorCode.FAILED_PRECONDITION, "TOTP_NOT_ENABLED", "two-factor authentication is off");
        }
        enforce(limits.totpPerAccount(), userId.toString());
        requireFreshCode(account, totpSecrets.open(userId, account.totpSecret()), code);
        jdbi.useHandle(handle -> accounts.disableTotp(handle, userId));
    }

    /** The code must match a current time step that was not used before (codes are single-use). */
    private void requireFreshCode(Account account, String secret, String code) {
        OptionalLong step = totp.matchingStep(secret, code, clock.instant());
        if (step.isEmpty()
                || !jdbi.withHandle(handle -> accounts.consumeTotpStep(handle, account.id(), step.getAsLong()))) {
            throw AuthErrors.totpInvalid();
        }
    }

    private Account existing(UUID userId) {
        return jdbi.withHandle(handle -> accounts.byId(handle, userId))
                .orElseThrow(() -> NovaException.notFound("account", userId.toString()));
    }

    static boolean isEmail(String email) {
        return email != null
                && email.length() <= MAX_EMAIL
                && EMAIL.matcher(email).matches();
    }

    private static boolean isPassword(String password) {
        return password != null && password.length() >= MIN_PASSWORD && password.length() <= MAX_PASSWORD;
    }

    private static void requireCodeFormat(String code) {
        new Violations()
                .require(code != null && TOTP_CODE.matcher(code).matches(), "code", "must be 6 digits")
                .throwIfAny();
    }

    private static void enforce(RateLimiter limiter, String key) {
        RateLimits.enforce(limiter, key, AuthErrors.DOMAIN);
    }

    /**
     * The event user-service makes the profile from. It carries no email: no consumer needs it, and
     * every consumer and the stream's retention would otherwise hold it (a consumer that needs it
     * asks auth-service, which owns it).
     */
    private static OutboxEvent userRegistered(Account account, boolean emailVerified) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("userId", account.id().toString());
        payload.put("username", account.username());
        payload.put("displayName", account.displayName());
        payload.put("registeredAt", account.createdAt().toString());
        if (emailVerified) {
            payload.put("emailVerified", true);
        }
        try {
            return OutboxEvent.of("user", account.id().toString(), USER_REGISTERED, JSON.writeValueAsString(payload));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + USER_REGISTERED, e);
        }
    }

    /** Whether a statement failed on a unique index (a concurrent insert of the same key). */
    static boolean isUniqueViolation(UnableToExecuteStatementException e) {
        return e.getCause() instanceof PSQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState());
    }

    private static NovaException duplicateOr(UnableToExecuteStatementException e) {
        ServerErrorMessage server =
                isUniqueViolation(e) ? ((PSQLException) e.getCause()).getServerErrorMessage() : null;
        if (server != null) {
            String constraint = String.valueOf(server.getConstraint());
            if (constraint.contains("email")) {
                return AuthErrors.of(ErrorCode.ALREADY_EXISTS, "EMAIL_TAKEN", "an account with this email exists");
            }
            if (constraint.contains("username")) {
                return AuthErrors.of(ErrorCode.ALREADY_EXISTS, "USERNAME_TAKEN", "this username is taken");
            }
        }
        throw e;
    }

    /** Argon2 runs a bounded number at a time (nova-crypto-core); past the wait, the caller hears UNAVAILABLE. */
    private String hash(String password) {
        try {
            return hasher.hash(password.toCharArray());
        } catch (PasswordHasherBusyException busy) {
            throw AuthErrors.busy(busy.retryAfter());
        }
    }

    private boolean verify(String password, String stored) {
        try {
            return hasher.verify(password.toCharArray(), stored);
        } catch (PasswordHasherBusyException busy) {
            throw AuthErrors.busy(busy.retryAfter());
        }
    }
}
