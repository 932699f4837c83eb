package social.nova.user;

import java.time.Instant;
import java.util.UUID;

/** A public profile as stored in {@code users.profiles} (and cached in Redis). */
record Profile(
        UUID id,
        String username,
        String displayName,
        String bio,
        long followerCount,
        long followingCount,
        Instant createdAt) {}
