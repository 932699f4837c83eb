package social.nova.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;

/**
 * Reads an address's mailbox on a development mail server ({@link MailContainer}) over IMAP,
 * logging in with the address as user and password, as a person would with a mail client. For
 * tests that need to see what a service mailed.
 */
public final class Mailbox {
    private Mailbox() {}

    /** A received mail: its subject, plain-text and HTML bodies (empty when absent) and headers. */
    public record Mail(String subject, String text, String html, Map<String, List<String>> headers) {
        /** The values of header {@code name} (case-insensitive). */
        public List<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .flatMap(entry -> entry.getValue().stream())
                    .toList();
        }
    }

    /**
     * Every mail in {@code address}'s inbox, oldest first; empty when nothing was ever delivered to
     * it (the server only knows an address once it received mail for it).
     *
     * @throws IllegalStateException when the server cannot be reached
     */
    public static List<Mail> read(String host, int imapPort, String address) {
        Properties properties = new Properties();
        properties.setProperty("mail.imap.connectiontimeout", "5000");
        properties.setProperty("mail.imap.timeout", "5000");
        Store store = null;
        try {
            store = Session.getInstance(properties).getStore("imap");
            try {
                store.connect(host, imapPort, address, address);
            } catch (jakarta.mail.AuthenticationFailedException unknownAddress) {
                return List.of();
            }
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                List<Mail> mails = new ArrayList<>();
                for (Message message : inbox.getMessages()) {
                    mails.add(mail(message));
                }
                return mails;
            } finally {
                inbox.close(false);
            }
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(
                    "cannot read " + address + "'s mailbox at " + host + ":" + imapPort + ": " + e.getMessage(), e);
        } finally {
            if (store != null) {
                try {
                    store.close();
                } catch (MessagingException ignored) {
                    // closing a store that failed to connect
                }
            }
        }
    }

    private static Mail mail(Message message) throws MessagingException, IOException {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        var all = message.getAllHeaders();
        while (all.hasMoreElements()) {
            Header header = all.nextElement();
            headers.computeIfAbsent(header.getName(), name -> new ArrayList<>()).add(header.getValue());
        }
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder();
        collect(message, text, html);
        return new Mail(
                Optional.ofNullable(message.getSubject()).orElse(""), text.toString(), html.toString(), headers);
    }

    private static void collect(Part part, StringBuilder text, StringBuilder html)
            throws MessagingException, IOException {
        if (part.isMimeType("text/plain")) {
            text.append(part.getContent());
        } else if (part.isMimeType("text/html")) {
            html.append(part.getContent());
        } else if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, text, html);
            }
        }
    }

    /** The mails of {@code address} whose subject contains {@code subject}. */
    public static List<Mail> withSubject(String host, int imapPort, String address, String subject) {
        return read(host, imapPort, address).stream()
                .filter(mail -> mail.subject().contains(subject))
                .toList();
    }
}
