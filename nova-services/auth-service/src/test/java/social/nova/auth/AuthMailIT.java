package social.nova.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import social.nova.contracts.auth.v1.ConfirmPasswordResetRequest;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.LoginResponse;
import social.nova.contracts.auth.v1.RefreshRequest;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.contracts.auth.v1.RequestPasswordResetRequest;
import social.nova.contracts.auth.v1.ResendVerificationEmailRequest;
import social.nova.contracts.auth.v1.VerifyEmailRequest;
import social.nova.contracts.auth.v1.VerifyEmailResponse;
import social.nova.contracts.auth.v1.VerifyTokenRequest;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.testing.MailContainer;
import social.nova.testing.Mailbox;
import social.nova.testing.MutableClock;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.testing.GrpcErrors.failure;

/**
 * Email verification and password reset over real SMTP and IMAP: what arrives in the user's
 * mailbox, and what the tokens in it do, on a movable clock for expiry.
 */
class AuthMailIT {
    private static final String PASSWORD = "correct horse battery";
    private static final Pattern CODE = Pattern.compile("this code in the app:\\s+(\\S+)");
    private static final Duration ARRIVAL = Duration.ofSeconds(20);
    private static final MutableClock CLOCK = new MutableClock(Instant.now());
    private static final MailContainer MAIL = SharedContainers.mail();
    private static final AuthFixture AUTH =
            AuthFixture.start(Map.of("auth.mail.limits.reset-per-email.limit", "2"), CLOCK);

    @AfterAll
    static void stop() throws InterruptedException {
        AUTH.close();
    }

    @Test
    void theVerificationMailArrivesAndItsTokenVerifiesOnce() {
        String email = uniqueAddress();
        String userId = register(email);

        Mailbox.Mail mail = onlyMail(email, "Verify your email address");
        assertThat(mail.text()).contains("Hello Mail Tester").contains("valid for 24 hours");
        assertThat(mail.html())
                .contains("<a href=\"https://nova.social/verify-email?token")
                .contains(code(mail));
        String token = code(mail);
        assertThat(login(email, PASSWORD).getTokens().getAccessToken())
                .as("before verification")
                .satisfies(access -> assertThat(emailVerified(access)).isFalse());

        VerifyEmailResponse verified = AUTH.client()
                .verifyEmail(VerifyEmailRequest.newBuilder().setToken(token).build());
        assertThat(verified.getUserId()).isEqualTo(userId);
        assertThat(emailVerified(login(email, PASSWORD).getTokens().getAccessToken()))
                .isTrue();

        NovaException again = failure(() -> AUTH.client()
                .verifyEmail(VerifyEmailRequest.newBuilder().setToken(token).build()));
        assertThat(again.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(again.reason()).contains("EMAIL_TOKEN_INVALID");
        NovaException resend = failure(
                () -> AUTH.clientWithToken(login(email, PASSWORD).getTokens().getAccessToken())
                        .resendVerificationEmail(ResendVerificationEmailRequest.getDefaultInstance()));
        assertThat(resend.reason()).contains("EMAIL_ALREADY_VERIFIED");
    }

    @Test
    void anExpiredVerificationTokenIsRefusedAndAResentOneWorks() {
        String email = uniqueAddress();
        register(email);
        String first = code(onlyMail(email, "Verify your email address"));

        CLOCK.advance(Duration.ofHours(24).plusSeconds(1));
        NovaException expired = failure(() -> AUTH.client()
                .verifyEmail(VerifyEmailRequest.newBuilder().setToken(first).build()));
        assertThat(expired.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(expired.reason()).contains("EMAIL_TOKEN_INVALID");

        AUTH.clientWithToken(login(email, PASSWORD).getTokens().getAccessToken())
                .resendVerificationEmail(ResendVerificationEmailRequest.getDefaultInstance());
        List<Mailbox.Mail> both = await().atMost(ARRIVAL)
                .until(
                        () -> Mailbox.withSubject(MAIL.getHost(), MAIL.getImapPort(), email, "Verify"),
                        m -> m.size() == 2);
        String second = code(both.get(1));
        assertThat(second).isNotEqualTo(first);
        AUTH.client()
                .verifyEmail(VerifyEmailRequest.newBuilder().setToken(second).build());
    }

    @Test
    void aPasswordResetSetsTheNewPasswordAndSignsOutEverySession() {
        String email = uniqueAddress();
        register(email);
        LoginResponse before = login(email, PASSWORD);

        AUTH.client()
                .requestPasswordReset(RequestPasswordResetRequest.newBuilder()
                        .setEmail(email.toUpperCase())
                        .build());
        Mailbox.Mail mail = onlyMail(email, "Reset your Nova password");
        assertThat(mail.text()).contains("valid for 30 minutes");
        String token = code(mail);

        NovaException weak = failure(() -> AUTH.client()
                .confirmPasswordReset(ConfirmPasswordResetRequest.newBuilder()
                        .setToken(token)
                        .setNewPassword("short")
                        .build()));
        assertThat(weak.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(weak.violations()).anySatisfy(v -> assertThat(v.field()).isEqualTo("new_password"));

        AUTH.client()
                .confirmPasswordReset(ConfirmPasswordResetRequest.newBuilder()
                        .setToken(token)
                        .setNewPassword("a brand new passphrase")
                        .build());

        NovaException oldSession = failure(() -> AUTH.client()
                .refresh(RefreshRequest.newBuilder()
                        .setRefreshToken(before.getTokens().getRefreshToken())
                        .build()));
        assertThat(oldSession.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(oldSession.reason()).contains("SESSION_REVOKED");
        assertThat(failure(() -> login(email, PASSWORD)).reason()).contains("INVALID_CREDENTIALS");
        LoginResponse after = login(email, "a brand new passphrase");
        assertThat(emailVerified(after.getTokens().getAccessToken()))
                .as("the reset mail reached the owner: the address counts as verified")
                .isTrue();
        NovaException reused = failure(() -> AUTH.client()
                .confirmPasswordReset(ConfirmPasswordResetRequest.newBuilder()
                        .setToken(token)
                        .setNewPassword("yet another passphrase")
                        .build()));
        assertThat(reused.reason()).contains("RESET_TOKEN_INVALID");
    }

    @Test
    void aResetForAnUnknownEmailAnswersTheSameAndSendsNothing() {
        String unknown = uniqueAddress();
        String known = uniqueAddress();
        register(known);
        onlyMail(known, "Verify");

        AUTH.client()
                .requestPasswordReset(RequestPasswordResetRequest.newBuilder()
                        .setEmail(unknown)
                        .build());
        AUTH.client()
                .requestPasswordReset(
                        RequestPasswordResetRequest.newBuilder().setEmail(known).build());

        // The known address's reset mail was written after the unknown one's would have been; once
        // it arrived, a mail for the unknown address would have too.
        onlyMail(known, "Reset");
        assertThat(Mailbox.read(MAIL.getHost(), MAIL.getImapPort(), unknown)).isEmpty();
        int written = AuthFixture.database()
                .withHandle(handle -> handle.createQuery(
                                "SELECT count(*) FROM auth.mail_outbox WHERE lower(recipient) = :to")
                        .bind("to", unknown)
                        .mapTo(Integer.class)
                        .one());
        assertThat(written).as("mail written for the unknown address").isZero();
        NovaException limited = failure(() -> {
            for (int i = 0; i < 3; i++) {
                AUTH.client()
                        .requestPasswordReset(RequestPasswordResetRequest.newBuilder()
                                .setEmail(unknown)
                                .build());
            }
        });
        assertThat(limited.code()).as("per-email limit, known or not").isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    }

    @Test
    void badInputGetsPreciseErrors() {
        NovaException badEmail = failure(() -> AUTH.client()
                .requestPasswordReset(RequestPasswordResetRequest.newBuilder()
                        .setEmail("not-an-email")
                        .build()));
        assertThat(badEmail.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(badEmail.violations()).anySatisfy(v -> assertThat(v.field()).isEqualTo("email"));

        NovaException noToken = failure(() -> AUTH.client().verifyEmail(VerifyEmailRequest.getDefaultInstance()));
        assertThat(noToken.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(noToken.violations()).anySatisfy(v -> assertThat(v.field()).isEqualTo("token"));

        NovaException forged = failure(() -> AUTH.client()
                .confirmPasswordReset(ConfirmPasswordResetRequest.newBuilder()
                        .setToken("forged-" + UUID.randomUUID())
                        .setNewPassword("a brand new passphrase")
                        .build()));
        assertThat(forged.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(forged.reason()).contains("RESET_TOKEN_INVALID");

        NovaException anonymous = failure(
                () -> AUTH.client().resendVerificationEmail(ResendVerificationEmailRequest.getDefaultInstance()));
        assertThat(anonymous.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    private static String register(String email) {
        return AUTH.client()
                .register(RegisterRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(PASSWORD)
                        .setUsername(AuthFixture.uniqueUsername())
                        .setDisplayName("Mail Tester")
                        .build())
                .getUserId();
    }

    private static LoginResponse login(String email, String password) {
        return AUTH.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(password)
                        .build());
    }

    private static boolean emailVerified(String accessToken) {
        return AUTH.client()
                .verifyToken(VerifyTokenRequest.newBuilder()
                        .setAccessToken(accessToken)
                        .build())
                .getClaims()
                .getEmailVerified();
    }

    /** The one mail whose subject contains {@code subject}, once it arrived. */
    private static Mailbox.Mail onlyMail(String address, String subject) {
        return await().atMost(ARRIVAL)
                .until(
                        () -> Mailbox.withSubject(MAIL.getHost(), MAIL.getImapPort(), address, subject),
                        m -> m.size() == 1)
                .getFirst();
    }

    private static String code(Mailbox.Mail mail) {
        Matcher matcher = CODE.matcher(mail.text());
        assertThat(matcher.find()).as("a code in %s", mail.text()).isTrue();
        return matcher.group(1);
    }

    private static String uniqueAddress() {
        return "mail-" + UUID.randomUUID() + "@example.com";
    }
}
