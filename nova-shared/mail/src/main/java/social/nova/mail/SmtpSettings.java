package social.nova.mail;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import io.helidon.config.Config;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * Where and how mail is handed over: an SMTP server, with or without TLS and credentials.
 *
 * <p>Config keys (under {@code mail.smtp}; durations ISO-8601):
 * <pre>
 * host:             localhost
 * port:             25
 * tls:              none          none | starttls (required, on the plain port) | smtps (TLS from the start)
 * username:                       set both to log in (SMTP AUTH); unset: no login
 * password:
 * from:             Nova &lt;no-reply@nova.social&gt;   the sender of every mail
 * connect-timeout:  PT5S
 * timeout:          PT10S         per SMTP command and read
 * </pre>
 *
 * @param from the sender, as an RFC 5322 address (checked at start-up)
 */
public record SmtpSettings(
        String host,
        int port,
        Tls tls,
        Optional<String> username,
        Optional<String> password,
        String from,
        Duration connectTimeout,
        Duration timeout) {
    public static final String DEFAULT_FROM = "Nova <no-reply@nova.social>";

    /** How the connection to the SMTP server is protected. */
    public enum Tls {
        /** Plain SMTP (a development mail server on the same network). */
        NONE,
        /** STARTTLS on the plain port, required: a server without it is refused. */
        STARTTLS,
        /** TLS from the first byte (SMTPS, usually port 465). */
        SMTPS
    }

    public SmtpSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("mail.smtp.host must be set");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("mail.smtp.port must be 1..65535, was " + port);
        }
        Objects.requireNonNull(tls, "tls");
        username =
                Objects.requireNonNullElse(username, Optional.<String>empty()).filter(value -> !value.isBlank());
        password = Objects.requireNonNullElse(password, Optional.<String>empty());
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException(
                    "mail.smtp.username and mail.smtp.password are set together or not at all");
        }
        try {
            new InternetAddress(Objects.requireNonNull(from, "from"), true).validate();
        } catch (AddressException e) {
            throw new IllegalArgumentException("mail.smtp.from is not an email address: " + e.getMessage(), e);
        }
        positive("mail.smtp.connect-timeout", connectTimeout);
        positive("mail.smtp.timeout", timeout);
    }

    /** Reads the keys listed in the class comment. */
    public static SmtpSettings create(Config config) {
        String tls = config.get("tls").asString().orElse("none");
        try {
            return new SmtpSettings(
                    config.get("host").asString().orElse("localhost"),
                    config.get("port").asInt().orElse(25),
                    Tls.valueOf(tls.trim().toUpperCase(Locale.ROOT)),
                    config.get("username").asString().asOptional(),
                    config.get("password").asString().asOptional(),
                    config.get("from").asString().orElse(DEFAULT_FROM),
                    config.get("connect-timeout").as(Duration.class).orElse(Duration.ofSeconds(5)),
                    config.get("timeout").as(Duration.class).orElse(Duration.ofSeconds(10)));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("No enum constant")) {
                throw new IllegalArgumentException(
                        "mail.smtp.tls must be none, starttls or smtps, was '" + tls + "'", e);
            }
            throw e;
        }
    }

    /** A plain SMTP server without login (development and tests). */
    public static SmtpSettings plain(String host, int port) {
        return new SmtpSettings(
                host,
                port,
                Tls.NONE,
                Optional.empty(),
                Optional.empty(),
                DEFAULT_FROM,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10));
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    @Override
    public String toString() {
        // Never the password.
        return "SmtpSettings[" + host + ":" + port + ", tls=" + tls + ", login=" + username.orElse("(none)") + ", from="
                + from + "]";
    }
}
