package social.nova.messaging;

import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/** messaging-service's typed failures, with the reasons its contract names (domain messaging.nova.social). */
final class MessagingErrors {
    static final String DOMAIN = "messaging.nova.social";

    private MessagingErrors() {}

    static NovaException of(ErrorCode code, String reason, String message) {
        return NovaException.builder(code, message)
                .reason(reason)
                .domain(DOMAIN)
                .build();
    }

    /** Unknown conversations and those of others look the same, so that ids reveal nothing. */
    static NovaException conversationNotFound(Object conversationId) {
        return NovaException.notFound("conversation", String.valueOf(conversationId)).toBuilder()
                .domain(DOMAIN)
                .build();
    }

    static NovaException messageNotFound(Object messageId) {
        return NovaException.notFound("message", String.valueOf(messageId)).toBuilder()
                .domain(DOMAIN)
                .build();
    }

    static NovaException userNotFound(String userId) {
        return NovaException.notFound("user", userId).toBuilder().domain(DOMAIN).build();
    }

    static NovaException recipientNotAccepting(String userId) {
        return NovaException.builder(
                        ErrorCode.PERMISSION_DENIED, "user '" + userId + "' does not accept messages from the caller")
                .reason("RECIPIENT_NOT_ACCEPTING")
                .domain(DOMAIN)
                .metadata("user_id", userId)
                .build();
    }

    static NovaException idempotencyKeyReused(String key) {
        return of(
                ErrorCode.ALREADY_EXISTS,
                "IDEMPOTENCY_KEY_REUSED",
                "idempotency key '" + key + "' was already used for a message with another text");
    }
}
