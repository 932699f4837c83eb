package social.nova.content;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A post as stored in {@code content.posts}; {@code mediaIds} are media-service ids in the author's
 * order (empty for a text-only post); {@code deletedAt} is null while it exists.
 */
record Post(
        UUID id,
        UUID authorId,
        String text,
        List<UUID> mediaIds,
        long likeCount,
        Instant createdAt,
        Instant deletedAt) {

    Post {
        mediaIds = List.copyOf(mediaIds);
    }

    boolean deleted() {
        return deletedAt != null;
    }
}
