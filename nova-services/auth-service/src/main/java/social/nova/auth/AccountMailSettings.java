package social.nova.auth;

import java.time.Duration;

import io.helidon.config.Config;
import social.nova.redis.RateLimiterSettings;

/**
 * How auth-service mails accounts (config block {@code auth.mail}); every one has a default.
 *
 * @param verificationTtl       how long an email verification token is valid ({@code verification-ttl}, 24 h)
 * @param resetTtl              how long a password reset token is valid ({@code reset-ttl}, 30 min)
 * @param verifyUrl             the app's page that verifies, with {@code {token}} where the token goes
 *                              ({@code verify-url}); the mail shows the link and the token
 * @param resetUrl              the app's page that sets a new password, with {@code {token}} ({@code reset-url})
 * @param resendPerAccount      ResendVerificationEmail per account ({@code limits.resend-per-account}: 3 per hour)
 * @param resetPerClient        RequestPasswordReset per client address ({@code limits.reset-per-client}: 10 per hour)
 * @param resetPerEmail         RequestPasswordReset per email, known or not ({@code limits.reset-per-email}: 3 per hour)
 */
public record AccountMailSettings(
        Duration verificationTtl,
        Duration resetTtl,
        String verifyUrl,
        String resetUrl,
        RateLimiterSettings resendPerAccount,
        RateLimiterSettings resetPerClient,
        RateLimiterSettings resetPerEmail) {
    static final String TOKEN_PLACEHOLDER = "{token}";

    public AccountMailSettings {
        positive("auth.mail.verification-ttl", verificationTtl);
        positive("auth.mail.reset-ttl", resetTtl);
        requirePlaceholder("auth.mail.verify-url", verifyUrl);
        requirePlaceholder("auth.mail.reset-url", resetUrl);
    }

    public static AccountMailSettings create(Config mail) {
        return new AccountMailSettings(
                mail.get("verification-ttl").as(Duration.class).orElse(Duration.ofHours(24)),
                mail.get("reset-ttl").as(Duration.class).orElse(Duration.ofMinutes(30)),
                mail.get("verify-url").asString().orElse("https://nova.social/verify-email?token={token}"),
                mail.get("reset-url").asString().orElse("https://nova.social/reset-password?token={token}"),
                limit(mail.get("limits.resend-per-account"), "auth-resend-account", 3, Duration.ofHours(1)),
                limit(mail.get("limits.reset-per-client"), "auth-reset-client", 10, Duration.ofHours(1)),
                limit(mail.get("limits.reset-per-email"), "auth-reset-email", 3, Duration.ofHours(1)));
    }

    /** The verification link carrying {@code token}. */
    String verifyLink(String token) {
        return verifyUrl.replace(TOKEN_PLACEHOLDER, token);
    }

    /** The reset link carrying {@code token}. */
    String resetLink(String token) {
        return resetUrl.replace(TOKEN_PLACEHOLDER, token);
    }

    private static RateLimiterSettings limit(Config node, String name, int limit, Duration window) {
        return RateLimiterSettings.of(
                name,
                node.get("limit").asInt().orElse(limit),
                node.get("window").as(Duration.class).orElse(window));
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    private static void requirePlaceholder(String name, String url) {
        if (url == null || !url.contains(TOKEN_PLACEHOLDER)) {
            throw new IllegalArgumentException(name + " must contain " + TOKEN_PLACEHOLDER + ", was '" + url + "'");
        }
    }
}
