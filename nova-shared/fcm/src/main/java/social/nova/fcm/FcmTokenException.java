package social.nova.fcm;

/**
 * The service account's assertion was not exchanged for an access token.
 *
 * @see AccessTokens
 */
final class FcmTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    FcmTokenException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether trying again later can help (no answer, 429, 5xx), unlike refused credentials. */
    boolean retryable() {
        return retryable;
    }
}
