package social.nova.mail;

import java.io.Serial;

/**
 * A mail the server did not take.
 *
 * <p>Permanent when trying again cannot help: the server refused the address for good (SMTP 5xx
 * on the recipient) or the address is not one. Every other failure (no connection, a timeout, a
 * 4xx "try again later") is transient, and the relay retries it with back-off.
 */
public final class MailSendException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    private final boolean permanent;

    public MailSendException(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }
}
