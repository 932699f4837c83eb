package social.nova.user;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import social.nova.redis.StreamHandler;
import social.nova.redis.StreamMessage;

/**
 * Creates profiles from auth-service's {@code UserRegistered} events on {@code nova.events.user}
 * (stream entry fields as written by the outbox relay: {@code event-type}, {@code payload} JSON
 * with userId, username, displayName, registeredAt...). Other event types are acknowledged and
 * ignored. Delivery is at least once; creating a profile that exists changes nothing, so replays
 * are harmless. A malformed event throws, is retried and ends in the dead-letter stream.
 */
final class UserRegistrations implements StreamHandler {
    static final String USER_REGISTERED = "UserRegistered";
    private static final System.Logger LOG = System.getLogger(UserRegistrations.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Profiles profiles;

    UserRegistrations(Profiles profiles) {
        this.profiles = profiles;
    }

    @Override
    public void handle(StreamMessage message) throws Exception {
        if (!USER_REGISTERED.equals(message.fields().get("event-type"))) {
            return;
        }
        String payload = message.fields().get("payload");
        if (payload == null) {
            throw new IllegalArgumentException("UserRegistered entry " + message.id() + " has no payload");
        }
        JsonNode event = JSON.readTree(payload);
        Profile profile = new Profile(UUID.fromString(text(event, "userId")),
                text(event, "username"),
                text(event, "displayName"),
                "",
                0,
                0,
                Instant.parse(text(event, "registeredAt")));
        boolean created = profiles.createFromRegistration(profile);
        LOG.log(System.Logger.Level.DEBUG, "UserRegistered {0}: profile {1}", profile.id(),
                created ? "created" : "already existed");
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("UserRegistered payload lacks " + field);
        }
        return value.asText();
    }
}
