package social.nova.user;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import social.nova.events.Event;
import social.nova.events.EventHandler;

/**
 * Creates profiles from auth-service's {@code UserRegistered} events on {@code nova.events.user}
 * ({@code payload} JSON with userId, username, displayName, registeredAt...). Every other type on
 * the stream (user-service's own UserFollowed, UserProfileUpdated...) is ignored. Delivery is at
 * least once, and the subscription drops events already handled; creating a profile that exists
 * changes nothing anyway, so replays are harmless. A malformed event throws, is retried and ends in
 * the dead-letter stream.
 */
final class UserRegistrations implements EventHandler {
    static final String USER_REGISTERED = "UserRegistered";
    private static final System.Logger LOG = System.getLogger(UserRegistrations.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Profiles profiles;

    UserRegistrations(Profiles profiles) {
        this.profiles = profiles;
    }

    @Override
    public void handle(Event event) throws Exception {
        if (!USER_REGISTERED.equals(event.type())) {
            return;
        }
        JsonNode payload = JSON.readTree(event.payload());
        Profile profile = new Profile(UUID.fromString(text(payload, "userId")),
                text(payload, "username"),
                text(payload, "displayName"),
                "",
                0,
                0,
                Instant.parse(text(payload, "registeredAt")));
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
