package social.nova.kit;

import java.util.Objects;

/**
 * The verified identity of whoever made the current call.
 *
 * @param userId    the user (JWT {@code sub})
 * @param sessionId the session the token belongs to (JWT {@code sid})
 */
public record Caller(String userId, String sessionId) {
    public Caller {
        Objects.requireNonNull(userId, "userId");
    }
}
