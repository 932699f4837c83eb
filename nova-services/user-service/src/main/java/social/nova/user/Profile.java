package social.nova.user;

import java.time.Instant;
import java.util.UUID;

/**
 * A public profile as stored in {@code users.profiles} (and cached in Redis).
 *
 * @param emailVerified whether auth-service reported the user's address verified (EmailVerified)
 */
record Profile(
        UUID id,
        String username,
        String displayName,
        String bio,
        long followerCount,
        long followingCount,
        Instant createdAt,
        boolean emailVerified) {

    /** A profile whose address is not verified (yet). */
    Profile(
            UUID id,
            String username,
            String displayName,
            String bio,
            long followerCount,
            long followingCount,
            Instant createdAt) {
        this(id, username, displayName, bio, followerCount, followingCount, createdAt, false);
    }
}
