package social.nova.fcm;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One message to one device, as FCM HTTP v1's {@code message}: a visible {@code notification}, a
 * {@code data} map the app reads, and optional platform overrides ({@code android}, {@code apns}),
 * passed through as FCM documents them (AndroidConfig, ApnsConfig).
 *
 * <pre>{@code
 * FcmMessage.to(device.token())
 *         .withNotification("New message", "Ada: are you coming?")
 *         .withData(Map.of("conversationId", "c-42"));
 * }</pre>
 *
 * <p>Data keys FCM reserves ({@code from}, {@code notification}, {@code message_type}, anything
 * starting with {@code google} or {@code gcm}) are refused here: FCM would answer
 * {@code INVALID_ARGUMENT}, which must stay a verdict on the token alone (see {@link FcmClient}).
 */
public record FcmMessage(
        String token,
        Optional<Notification> notification,
        Map<String, String> data,
        Optional<Map<String, Object>> android,
        Optional<Map<String, Object>> apns) {
    private static final Set<String> RESERVED_DATA_KEYS = Set.of("from", "notification", "message_type");

    /** What the device shows. */
    public record Notification(String title, String body) {
        public Notification {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(body, "body");
        }
    }

    public FcmMessage {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("an FCM message needs a device token");
        }
        notification = Objects.requireNonNullElse(notification, Optional.empty());
        data = Map.copyOf(Objects.requireNonNullElse(data, Map.of()));
        for (String key : data.keySet()) {
            String lower = key.toLowerCase(Locale.ROOT);
            if (key.isEmpty()
                    || RESERVED_DATA_KEYS.contains(lower)
                    || lower.startsWith("google")
                    || lower.startsWith("gcm")) {
                throw new IllegalArgumentException("data key '" + key + "' is reserved by FCM");
            }
        }
        android = Objects.requireNonNullElse(android, Optional.<Map<String, Object>>empty())
                .map(Map::copyOf);
        apns = Objects.requireNonNullElse(apns, Optional.<Map<String, Object>>empty())
                .map(Map::copyOf);
    }

    /** An empty message to {@code token}; add a notification, data or both. */
    public static FcmMessage to(String token) {
        return new FcmMessage(token, Optional.empty(), Map.of(), Optional.empty(), Optional.empty());
    }

    public FcmMessage withNotification(String title, String body) {
        return new FcmMessage(token, Optional.of(new Notification(title, body)), data, android, apns);
    }

    public FcmMessage withData(Map<String, String> values) {
        return new FcmMessage(token, notification, values, android, apns);
    }

    /** FCM's AndroidConfig, e.g. {@code Map.of("priority", "high", "ttl", "3600s")}. */
    public FcmMessage withAndroid(Map<String, Object> config) {
        return new FcmMessage(token, notification, data, Optional.of(config), apns);
    }

    /** FCM's ApnsConfig, e.g. {@code Map.of("headers", Map.of("apns-priority", "10"))}. */
    public FcmMessage withApns(Map<String, Object> config) {
        return new FcmMessage(token, notification, data, android, Optional.of(config));
    }

    @Override
    public String toString() {
        // A device token identifies a person's phone: logs get its start only.
        return "FcmMessage[to=" + abbreviate(token) + ", notification=" + notification.isPresent() + ", data="
                + data.keySet() + "]";
    }

    static String abbreviate(String token) {
        return token.length() <= 8 ? token : token.substring(0, 8) + "...";
    }
}
