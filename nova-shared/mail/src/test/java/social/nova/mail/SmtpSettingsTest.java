package social.nova.mail;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpSettingsTest {
    @Test
    void readsEveryKeyAndNeverPrintsThePassword() {
        SmtpSettings settings = SmtpSettings.create(config(Map.of(
                "host", "smtp.example.com",
                "port", "587",
                "tls", "starttls",
                "username", "nova",
                "password", "s3cret",
                "from", "Nova <hello@example.com>",
                "timeout", "PT3S")));

        assertThat(settings.host()).isEqualTo("smtp.example.com");
        assertThat(settings.port()).isEqualTo(587);
        assertThat(settings.tls()).isEqualTo(SmtpSettings.Tls.STARTTLS);
        assertThat(settings.username()).contains("nova");
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.toString()).contains("smtp.example.com:587").doesNotContain("s3cret");
        assertThat(SmtpSender.properties(settings))
                .containsEntry("mail.smtp.starttls.required", "true")
                .containsEntry("mail.smtp.auth", "true")
                .containsEntry("mail.smtp.timeout", "3000");
    }

    @Test
    void smtpsUsesItsOwnProtocol() {
        SmtpSettings settings = SmtpSettings.create(config(Map.of("host", "mail", "port", "465", "tls", "SMTPS")));

        assertThat(SmtpSender.properties(settings))
                .containsEntry("mail.transport.protocol", "smtps")
                .containsEntry("mail.smtps.port", "465")
                .containsEntry("mail.smtps.auth", "false");
    }

    @Test
    void badSettingsAreRefusedWithTheKey() {
        assertThatThrownBy(() -> SmtpSettings.create(config(Map.of("tls", "ssl"))))
                .hasMessageContaining("mail.smtp.tls must be none, starttls or smtps, was 'ssl'");
        assertThatThrownBy(() -> SmtpSettings.create(config(Map.of("username", "nova"))))
                .hasMessageContaining("set together");
        assertThatThrownBy(() -> SmtpSettings.create(config(Map.of("from", "not an address"))))
                .hasMessageContaining("mail.smtp.from");
        assertThatThrownBy(() -> SmtpSettings.create(config(Map.of("port", "0"))))
                .hasMessageContaining("mail.smtp.port");
        assertThat(SmtpSettings.create(config(Map.of())).username()).isEqualTo(Optional.empty());
    }

    @Test
    void onlyARefusalOfTheRecipientOrMessageIsPermanent() throws Exception {
        InternetAddress to = new InternetAddress("nobody@example.com");
        MessagingException unknownUser = new SendFailedException(
                "Invalid Addresses",
                new SMTPAddressFailedException(to, "RCPT TO:<nobody@example.com>", 550, "550 no such user"));
        MessagingException mailboxBusy = new SendFailedException(
                "Invalid Addresses",
                new SMTPAddressFailedException(to, "RCPT TO:<nobody@example.com>", 450, "450 mailbox busy"));

        assertThat(SmtpSender.permanent(unknownUser)).isTrue();
        assertThat(SmtpSender.permanent(mailboxBusy)).isFalse();
        assertThat(SmtpSender.permanent(new MessagingException("Couldn't connect to host")))
                .isFalse();
    }

    private static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }
}
