package social.nova.fcm;

/**
 * What became of one message. Callers switch over the four cases; only {@link Failed} is worth an
 * alert, and only once it is frequent.
 */
public sealed interface SendResult {
    /** FCM took the message; {@code messageName} is its {@code projects/<p>/messages/<id>}. */
    record Sent(String messageName) implements SendResult {}

    /**
     * FCM refused the device token for good ({@code UNREGISTERED}, or {@code INVALID_ARGUMENT} for
     * the token); it has been handed to {@link DeviceRegistry#remove(String)}.
     *
     * @param errorCode FCM's error code
     */
    record InvalidToken(String token, String errorCode) implements SendResult {
        @Override
        public String toString() {
            return "InvalidToken[" + FcmMessage.abbreviate(token) + ", " + errorCode + "]";
        }
    }

    /**
     * Not sent: refused for a reason retrying cannot help (a 4xx other than the above, bad
     * credentials), or still failing after the last attempt or at the deadline.
     *
     * @param attempts HTTP attempts made
     */
    record Failed(String reason, int attempts) implements SendResult {}

    /** Not sent because FCM is switched off ({@code fcm.enabled: false}). */
    record Skipped(String reason) implements SendResult {}
}
