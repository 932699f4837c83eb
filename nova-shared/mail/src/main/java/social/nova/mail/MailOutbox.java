package social.nova.mail;

import java.util.Objects;
import java.util.UUID;

import org.jdbi.v3.core.Handle;

/**
 * Writes mail into the schema's {@code mail_outbox} table (a platform table of nova-db-pool)
 * inside the caller's transaction: the mail exists exactly when the change it announces committed.
 * {@link MailRelay} sends it.
 *
 * <pre>{@code
 * db.jdbi().useTransaction(handle -> {
 *     accounts.insert(handle, account);
 *     MailOutbox.append(handle, account.email(), templates.render("verify-email", Map.of("link", link)));
 * });
 * }</pre>
 */
public final class MailOutbox {
    private MailOutbox() {}

    /**
     * Appends the mail in the handle's open transaction.
     *
     * @return the mail's id (sent as {@value SmtpSender#MAIL_ID_HEADER})
     * @throws IllegalStateException when the handle is not in a transaction
     */
    public static UUID append(Handle handle, String recipient, MailContent content) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(content, "content");
        if (!handle.isInTransaction()) {
            throw new IllegalStateException("MailOutbox.append needs the caller's transaction: call it inside "
                    + "jdbi.useTransaction/inTransaction together with the change the mail is about");
        }
        UUID id = UUID.randomUUID();
        handle.createUpdate("""
                        INSERT INTO mail_outbox (mail_id, recipient, subject, text_body, html_body)
                        VALUES (:id, :recipient, :subject, :text, :html)""")
                .bind("id", id)
                .bind("recipient", recipient)
                .bind("subject", content.subject())
                .bind("text", content.text())
                .bind("html", content.html())
                .execute();
        return id;
    }
}
