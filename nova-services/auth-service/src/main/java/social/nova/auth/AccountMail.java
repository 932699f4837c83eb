package social.nova.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import social.nova.crypto.Tokens;
import social.nova.db.Outbox;
import social.nova.db.OutboxEvent;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.errors.Violations;
import social.nova.kit.RateLimits;
import social.nova.mail.MailOutbox;
import social.nova.mail.MailTemplates;
import social.nova.redis.RateLimiter;

/**
 * The mail of accounts: the verification of an address and the password reset, each with a
 * single-use token that is mailed, kept only as its SHA-256 hash, and expires. Mail is written to
 * the mail outbox in the transaction of the change it is about (nova-mail's {@code MailRelay}
 * sends it, retrying while the mail server is down).
 */
final class AccountMail {
    static final String EMAIL_VERIFIED = "EmailVerified";
    static final String VERIFY_TEMPLATE = "verify-email";
    static final String RESET_TEMPLATE = "password-reset";
    static final List<String> TEMPLATES = List.of(VERIFY_TEMPLATE, RESET_TEMPLATE);
    private static final int TOKEN_BYTES = 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final AccountStore accounts;
    private final EmailTokenStore tokens;
    private final MailTemplates templates;
    private final AccountMailSettings settings;
    private final Limits limits;
    private final Clock clock;

    /** The rate limits of account mail. */
    record Limits(RateLimiter resendPerAccount, RateLimiter resetPerClient, RateLimiter resetPerEmail) {}

    /** A verified address: whose, and since when. */
    record Verified(UUID userId, Instant verifiedAt) {}

    AccountMail(
            Jdbi jdbi,
            AccountStore accounts,
            EmailTokenStore tokens,
            MailTemplates templates,
            AccountMailSettings settings,
            Limits limits,
            Clock clock) {
        this.jdbi = jdbi;
        this.accounts = accounts;
        this.tokens = tokens;
        this.templates = templates;
        this.settings = settings;
        this.limits = limits;
        this.clock = clock;
    }

    /** Mails {@code account} a verification token, in the caller's transaction (the registration's). */
    void sendVerification(Handle handle, Account account) {
        String token = newToken(handle, account.id(), EmailTokenStore.Purpose.VERIFY_EMAIL, settings.verificationTtl());
        MailOutbox.append(
                handle,
                account.email(),
                templates.render(
                        VERIFY_TEMPLATE,
                        model(account, token, settings.verifyLink(token), settings.verificationTtl())));
    }

    /** Verifies the address whose token this is; the first verification records EmailVerified. */
    Verified verify(String token) {
        new Violations().requireNonBlank(token, "token").throwIfAny();
        return jdbi.inTransaction(handle -> {
            Instant now = clock.instant();
            UUID accountId = consume(handle, token, EmailTokenStore.Purpose.VERIFY_EMAIL, now);
            markVerified(handle, accountId, now);
            return new Verified(
                    accountId, accounts.byId(handle, accountId).orElseThrow().emailVerifiedAt());
        });
    }

    /**
     * Marks the address verified, in the caller's transaction; records EmailVerified the first time.
     * A password reset proves the address too: its mail reached the account's owner.
     */
    void markVerified(Handle handle, UUID accountId, Instant now) {
        if (accounts.markEmailVerified(handle, accountId, now)) {
            Outbox.append(handle, emailVerified(accountId, now));
        }
    }

    /** Mails the caller a new verification token. */
    void resendVerification(UUID userId) {
        RateLimits.enforce(limits.resendPerAccount(), userId.toString(), AuthErrors.DOMAIN);
        jdbi.useTransaction(handle -> {
            Account account = accounts.byId(handle, userId)
                    .orElseThrow(() -> NovaException.notFound("account", userId.toString()));
            if (account.emailVerified()) {
                throw AuthErrors.of(
                        ErrorCode.FAILED_PRECONDITION,
                        "EMAIL_ALREADY_VERIFIED",
                        "the email address is already verified");
            }
            sendVerification(handle, account);
        });
    }

    /**
     * Mails a reset token when an account has {@code email}; does nothing otherwise. The caller
     * answers the same either way. Both limits count every request, known email or not, so the
     * limits themselves tell nothing either.
     */
    void requestPasswordReset(String email, String clientAddress) {
        new Violations()
                .require(Accounts.isEmail(email), "email", Accounts.EMAIL_RULE)
                .throwIfAny();
        RateLimits.enforce(limits.resetPerClient(), clientAddress, AuthErrors.DOMAIN);
        RateLimits.enforce(limits.resetPerEmail(), email.toLowerCase(Locale.ROOT), AuthErrors.DOMAIN);
        jdbi.useTransaction(handle -> accounts.byEmail(handle, email).ifPresent(account -> {
            String token = newToken(handle, account.id(), EmailTokenStore.Purpose.PASSWORD_RESET, settings.resetTtl());
            MailOutbox.append(
                    handle,
                    account.email(),
                    templates.render(
                            RESET_TEMPLATE, model(account, token, settings.resetLink(token), settings.resetTtl())));
        }));
    }

    /** Refuses a reset token that is unknown, used or expired, without using it. */
    void requireUsableResetToken(String token) {
        boolean usable = jdbi.withHandle(handle -> tokens.usable(
                handle, Tokens.sha256(token.trim()), EmailTokenStore.Purpose.PASSWORD_RESET, clock.instant()));
        if (!usable) {
            throw invalid(EmailTokenStore.Purpose.PASSWORD_RESET);
        }
    }

    /**
     * Uses a reset token, in the caller's transaction (the one that sets the password): returns its
     * account, and kills the account's other reset tokens.
     */
    UUID consumeResetToken(Handle handle, String token) {
        Instant now = clock.instant();
        UUID accountId = consume(handle, token, EmailTokenStore.Purpose.PASSWORD_RESET, now);
        tokens.expireUnused(handle, accountId, EmailTokenStore.Purpose.PASSWORD_RESET, now);
        return accountId;
    }

    /**
     * Uses a token of {@code purpose}: its account, or FAILED_PRECONDITION with the purpose's reason
     * when it is unknown, used or expired (one answer for all three).
     */
    private UUID consume(Handle handle, String token, EmailTokenStore.Purpose purpose, Instant now) {
        return tokens.consume(handle, Tokens.sha256(token.trim()), purpose, now).orElseThrow(() -> invalid(purpose));
    }

    private static NovaException invalid(EmailTokenStore.Purpose purpose) {
        return switch (purpose) {
            case VERIFY_EMAIL ->
                AuthErrors.of(
                        ErrorCode.FAILED_PRECONDITION,
                        "EMAIL_TOKEN_INVALID",
                        "the verification token is unknown, already used or expired");
            case PASSWORD_RESET ->
                AuthErrors.of(
                        ErrorCode.FAILED_PRECONDITION,
                        "RESET_TOKEN_INVALID",
                        "the password reset token is unknown, already used or expired");
        };
    }

    private String newToken(Handle handle, UUID accountId, EmailTokenStore.Purpose purpose, Duration ttl) {
        String token = Tokens.randomUrlSafe(TOKEN_BYTES);
        Instant now = clock.instant();
        tokens.insert(handle, Tokens.sha256(token), accountId, purpose, now, now.plus(ttl));
        return token;
    }

    private static Map<String, Object> model(Account account, String token, String link, Duration ttl) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("displayName", account.displayName());
        model.put("username", account.username());
        model.put("token", token);
        model.put("link", link);
        model.put("validFor", human(ttl));
        return model;
    }

    /** "24 hours", "30 minutes": how long a token is valid, as the mail says it. */
    static String human(Duration ttl) {
        if (ttl.toMinutes() % 60 == 0 && ttl.toHours() > 0) {
            long hours = ttl.toHours();
            return hours + (hours == 1 ? " hour" : " hours");
        }
        long minutes = Math.max(1, ttl.toMinutes());
        return minutes + (minutes == 1 ? " minute" : " minutes");
    }

    private static OutboxEvent emailVerified(UUID accountId, Instant verifiedAt) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("userId", accountId.toString());
        payload.put("verifiedAt", verifiedAt.toString());
        try {
            return OutboxEvent.of("user", accountId.toString(), EMAIL_VERIFIED, JSON.writeValueAsString(payload));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + EMAIL_VERIFIED, e);
        }
    }
}
