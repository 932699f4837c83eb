package social.nova.mail;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sends mail over SMTP with Jakarta Mail (Eclipse Angus Mail), one connection per mail: Nova's
 * mail is a trickle of account mail, where a pooled connection would mostly sit idle and time out.
 */
public final class SmtpSender implements MailSender {
    /** Header carrying the outbox id of the mail. */
    public static final String MAIL_ID_HEADER = "X-Nova-Mail-Id";

    private final SmtpSettings settings;
    private final Session session;
    private final InternetAddress from;

    public SmtpSender(SmtpSettings settings) {
        this.settings = settings;
        this.session = Session.getInstance(properties(settings));
        try {
            this.from = new InternetAddress(settings.from(), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("mail.smtp.from is not an email address: " + e.getMessage(), e);
        }
    }

    @Override
    public void send(String recipient, MailContent content, String mailId) throws MailSendException {
        MimeMessage message;
        try {
            message = message(recipient, content, mailId);
        } catch (AddressException e) {
            throw new MailSendException("not an email address: " + recipient, true, e);
        } catch (MessagingException e) {
            throw new MailSendException("cannot build the message: " + e.getMessage(), true, e);
        }
        try {
            if (settings.username().isPresent()) {
                Transport.send(
                        message, settings.username().get(), settings.password().orElseThrow());
            } else {
                Transport.send(message);
            }
        } catch (MessagingException e) {
            throw new MailSendException(
                    "SMTP " + settings.host() + ":" + settings.port() + " did not take the mail: " + e.getMessage(),
                    permanent(e),
                    e);
        }
    }

    private MimeMessage message(String recipient, MailContent content, String mailId) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(recipient, true));
        message.setSubject(content.subject(), StandardCharsets.UTF_8.name());
        message.setHeader(MAIL_ID_HEADER, mailId);
        MimeBodyPart text = new MimeBodyPart();
        text.setText(content.text(), StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(content.html(), StandardCharsets.UTF_8.name(), "html");
        // Least to most preferred, as RFC 2046 orders the parts of multipart/alternative.
        message.setContent(new MimeMultipart("alternative", text, html));
        message.saveChanges();
        return message;
    }

    /** Whether retrying cannot help: the server refused the recipient or the message with a 5xx. */
    static boolean permanent(MessagingException failure) {
        for (Exception e = failure; e != null; e = e instanceof MessagingException m ? m.getNextException() : null) {
            if (e instanceof SMTPAddressFailedException address) {
                return address.getReturnCode() >= 500;
            }
            if (e instanceof SMTPSendFailedException send && send.getReturnCode() >= 500) {
                return true;
            }
        }
        return false;
    }

    static Properties properties(SmtpSettings settings) {
        String protocol = settings.tls() == SmtpSettings.Tls.SMTPS ? "smtps" : "smtp";
        Properties properties = new Properties();
        properties.setProperty("mail.transport.protocol", protocol);
        String prefix = "mail." + protocol + ".";
        properties.setProperty(prefix + "host", settings.host());
        properties.setProperty(prefix + "port", Integer.toString(settings.port()));
        properties.setProperty(
                prefix + "connectiontimeout",
                Long.toString(settings.connectTimeout().toMillis()));
        properties.setProperty(
                prefix + "timeout", Long.toString(settings.timeout().toMillis()));
        properties.setProperty(
                prefix + "writetimeout", Long.toString(settings.timeout().toMillis()));
        properties.setProperty(
                prefix + "auth", Boolean.toString(settings.username().isPresent()));
        switch (settings.tls()) {
            case STARTTLS -> {
                properties.setProperty(prefix + "starttls.enable", "true");
                properties.setProperty(prefix + "starttls.required", "true");
                properties.setProperty(prefix + "ssl.checkserveridentity", "true");
            }
            case SMTPS -> properties.setProperty(prefix + "ssl.checkserveridentity", "true");
            case NONE -> {
                // Plain SMTP: a development server on the stack's network.
            }
        }
        return properties;
    }
}
