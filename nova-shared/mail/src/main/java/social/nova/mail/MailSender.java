package social.nova.mail;

/** Hands one mail over to a mail server. */
@FunctionalInterface
public interface MailSender {
    /**
     * Sends {@code content} to {@code recipient}.
     *
     * @param mailId the outbox row's id, sent as header {@value SmtpSender#MAIL_ID_HEADER} so a
     *               mail sent twice (a relay died between sending and recording it) can be recognised
     * @throws MailSendException when the server did not take it; {@link MailSendException#permanent()}
     *                           says whether trying again can help
     */
    void send(String recipient, MailContent content, String mailId) throws MailSendException;
}
