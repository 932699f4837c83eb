package social.nova.mail;

import java.util.Objects;

/**
 * A rendered mail: its subject and the same message as plain text and as HTML (sent as {@code
 * multipart/alternative}, so every client shows one of them).
 */
public record MailContent(String subject, String text, String html) {
    public MailContent {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("a mail needs a subject");
        }
        if (subject.indexOf('\n') >= 0 || subject.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a mail subject is one line");
        }
    }
}
