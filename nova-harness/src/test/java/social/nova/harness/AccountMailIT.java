package social.nova.harness;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import social.nova.harness.GatewayApi.Answer;
import social.nova.testing.Mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Account mail through the gateway, as a user lives it: the mail arrives in a real mailbox (the
 * stack's GreenMail, read over IMAP like a mail client), and the token in it does what it says.
 * The mail server stopped during a registration is one of FaultsIT's faults.
 */
@ExtendWith(NovaStackExtension.class)
@Order(1)
class AccountMailIT {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Issue 16: the verification mail arrives over IMAP within 5 s of the registration. */
    private static final Duration MAIL_PROMISE = Duration.ofSeconds(5);
    /** For a mail whose arrival is not the point of the test. */
    private static final Duration ARRIVAL = Duration.ofSeconds(30);

    private static final Pattern CODE = Pattern.compile("this code in the app:\\s+(\\S+)");
    private static final String PASSWORD = "correct horse battery staple";

    private static NovaStack stack;
    private static GatewayApi gateway;

    @BeforeAll
    static void gateway(NovaStack novaStack) {
        stack = novaStack;
        gateway = GatewayApi.of(stack, REQUEST_TIMEOUT);
    }

    @Test
    void theVerificationMailArrivesWithinFiveSecondsAndItsTokenVerifiesOnce() throws Exception {
        String email = address("verify");
        String username = register(email);

        Mailbox.Mail mail = awaitMail(email, "Verify your email address", MAIL_PROMISE);
        assertThat(mail.text()).contains("@" + username);
        String token = code(mail);

        gateway.expect(204, "POST", "/api/v1/auth/verify-email", null, Map.of("token", token));
        Answer again = gateway.call("POST", "/api/v1/auth/verify-email", null, Map.of("token", token));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.body().at("/error/message").asText()).contains("already used or expired");

        String access = login(email, PASSWORD).get("accessToken").asText();
        await("emailVerified on the profile")
                .atMost(Duration.ofSeconds(10))
                .until(() -> gateway.get("/api/v1/users/me", access)
                        .body()
                        .path("emailVerified")
                        .asBoolean());
        Answer resend = gateway.call("POST", "/api/v1/auth/verify-email/resend", access, null);
        assertThat(resend.status()).as("resend once verified: %s", resend).isEqualTo(400);
    }

    @Test
    void aPasswordResetMailSetsTheNewPasswordAndOldSessionsAreRefused() throws Exception {
        String email = address("reset");
        register(email);
        String oldRefresh = login(email, PASSWORD).get("refreshToken").asText();

        gateway.expect(202, "POST", "/api/v1/auth/password-reset", null, Map.of("email", email));
        String token = code(awaitMail(email, "Reset your Nova password", MAIL_PROMISE));
        Answer weak = gateway.call(
                "POST", "/api/v1/auth/password-reset/confirm", null, Map.of("token", token, "newPassword", "short"));
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.body().at("/error/details").toString()).contains("\"field\":\"newPassword\"");

        gateway.expect(
                204,
                "POST",
                "/api/v1/auth/password-reset/confirm",
                null,
                Map.of("token", token, "newPassword", "a brand new passphrase"));

        Answer refresh = gateway.call("POST", "/api/v1/auth/refresh", null, Map.of("refreshToken", oldRefresh));
        assertThat(refresh.status())
                .as("the old session's refresh: %s", refresh)
                .isEqualTo(401);
        assertThat(gateway.call("POST", "/api/v1/auth/login", null, Map.of("email", email, "password", PASSWORD))
                        .status())
                .isEqualTo(401);
        assertThat(login(email, "a brand new passphrase").get("accessToken").asText())
                .isNotBlank();
    }

    @Test
    void aResetForAnUnknownEmailAnswers202AndSendsNothing() throws Exception {
        String unknown = address("nobody");
        String known = address("somebody");
        register(known);

        gateway.expect(202, "POST", "/api/v1/auth/password-reset", null, Map.of("email", unknown));
        gateway.expect(202, "POST", "/api/v1/auth/password-reset", null, Map.of("email", known));

        // The known address's mail was written after the unknown one's would have been.
        awaitMail(known, "Reset your Nova password", ARRIVAL);
        assertThat(Mailbox.read(imap().getHost(), imap().getPort(), unknown)).isEmpty();
        Answer malformed = gateway.call("POST", "/api/v1/auth/password-reset", null, Map.of("email", "not an address"));
        assertThat(malformed.status()).isEqualTo(400);
    }

    private static String register(String email) throws Exception {
        String username =
                "mail_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        gateway.expect(
                201,
                "POST",
                "/api/v1/auth/register",
                null,
                Map.of("email", email, "password", PASSWORD, "username", username, "displayName", "Mail Reader"));
        return username;
    }

    private static JsonNode login(String email, String password) throws Exception {
        return gateway.expect(200, "POST", "/api/v1/auth/login", null, Map.of("email", email, "password", password));
    }

    private static Mailbox.Mail awaitMail(String address, String subject, Duration within) {
        List<Mailbox.Mail> mails = await(subject + " for " + address)
                .atMost(within)
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> Mailbox.withSubject(imap().getHost(), imap().getPort(), address, subject),
                        m -> !m.isEmpty());
        assertThat(mails).hasSize(1);
        return mails.getFirst();
    }

    private static URI imap() {
        return stack.mailImapUri();
    }

    private static String code(Mailbox.Mail mail) {
        Matcher matcher = CODE.matcher(mail.text());
        assertThat(matcher.find()).as("a code in %s", mail.text()).isTrue();
        return matcher.group(1);
    }

    private static String address(String prefix) {
        return prefix + "-" + UUID.randomUUID() + "@example.com";
    }
}
