package social.nova.content;

import java.time.Instant;
import java.util.UUID;

/** A post as stored in {@code content.posts}; {@code deletedAt} is null while it exists. */
record Post(UUID id, UUID authorId, String text, long likeCount, Instant createdAt, Instant deletedAt) {

    boolean deleted() {
        return deletedAt != null;
    }
}
