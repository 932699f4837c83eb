package social.nova.user;

import social.nova.events.Event;
import social.nova.events.EventHandler;
import social.nova.events.EventPayload;

/**
 * Follows auth-service's events on {@code nova.events.user}: {@code UserRegistered} ({@code payload}
 * JSON with userId, username, displayName, registeredAt...) creates the profile, {@code
 * EmailVerified} (userId, verifiedAt) marks its address verified. Every other type on the stream
 * (user-service's own UserFollowed, UserProfileUpdated...) is ignored. Delivery is at least once,
 * and the subscription drops events already handled; creating a profile that exists or verifying a
 * verified one changes nothing anyway, so replays are harmless. A malformed event, or an
 * EmailVerified whose profile does not exist yet, throws and is retried (ending in the dead-letter
 * stream after the subscription's maximum deliveries).
 */
final class UserRegistrations implements EventHandler {
    static final String USER_REGISTERED = "UserRegistered";
    static final String EMAIL_VERIFIED = "EmailVerified";
    private static final System.Logger LOG = System.getLogger(UserRegistrations.class.getName());

    private final Profiles profiles;

    UserRegistrations(Profiles profiles) {
        this.profiles = profiles;
    }

    @Override
    public void handle(Event event) throws Exception {
        if (EMAIL_VERIFIED.equals(event.type())) {
            profiles.markEmailVerified(EventPayload.of(event).uuid("userId"));
            return;
        }
        if (!USER_REGISTERED.equals(event.type())) {
            return;
        }
        EventPayload payload = EventPayload.of(event);
        Profile profile = new Profile(
                payload.uuid("userId"),
                payload.text("username"),
                payload.text("displayName"),
                "",
                0,
                0,
                payload.instant("registeredAt"),
                // Set when the account was verified as it was made (an OpenID Connect provider
                // vouched for the address): no EmailVerified follows, so no race with it.
                payload.flag("emailVerified"));
        boolean created = profiles.createFromRegistration(profile);
        LOG.log(
                System.Logger.Level.DEBUG,
                "UserRegistered {0}: profile {1}",
                profile.id(),
                created ? "created" : "already existed");
    }
}
