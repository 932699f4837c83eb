package social.nova.content;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import social.nova.db.OutboxEvent;
import social.nova.rpc.CallContext;

/**
 * The events content-service publishes through its outbox to {@code nova.events.post}
 * (aggregate {@code post}, aggregate id = post id). Payloads are JSON with camelCase fields; each
 * event carries the {@code request-id} header of the call that caused it.
 */
final class PostEvents {
    static final String AGGREGATE = "post";
    static final String POST_CREATED = "PostCreated";
    static final String POST_DELETED = "PostDeleted";
    static final String POST_LIKED = "PostLiked";
    static final String POST_UNLIKED = "PostUnliked";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PostEvents() {}

    /**
     * {@code {postId, authorId, text, mediaIds, createdAt}}; {@code mediaIds} in the post's order,
     * empty for a text-only post (media-service makes them readable to the post's readers).
     */
    static OutboxEvent created(Post post) {
        Map<String, Object> payload = base(post);
        payload.put("text", post.text());
        payload.put("mediaIds", post.mediaIds().stream().map(UUID::toString).toList());
        payload.put("createdAt", post.createdAt().toString());
        return event(post, POST_CREATED, payload);
    }

    /** {@code {postId, authorId, deletedAt}}. */
    static OutboxEvent deleted(Post post, Instant deletedAt) {
        Map<String, Object> payload = base(post);
        payload.put("deletedAt", deletedAt.toString());
        return event(post, POST_DELETED, payload);
    }

    /** {@code {postId, authorId, userId, likeCount, likedAt}}. */
    static OutboxEvent liked(Post post, UUID userId, long likeCount, Instant at) {
        Map<String, Object> payload = base(post);
        payload.put("userId", userId.toString());
        payload.put("likeCount", likeCount);
        payload.put("likedAt", at.toString());
        return event(post, POST_LIKED, payload);
    }

    /** {@code {postId, authorId, userId, likeCount, unlikedAt}}: consumers counting likes need it. */
    static OutboxEvent unliked(Post post, UUID userId, long likeCount, Instant at) {
        Map<String, Object> payload = base(post);
        payload.put("userId", userId.toString());
        payload.put("likeCount", likeCount);
        payload.put("unlikedAt", at.toString());
        return event(post, POST_UNLIKED, payload);
    }

    private static Map<String, Object> base(Post post) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("postId", post.id().toString());
        payload.put("authorId", post.authorId().toString());
        return payload;
    }

    private static OutboxEvent event(Post post, String type, Map<String, Object> payload) {
        try {
            OutboxEvent event = OutboxEvent.of(AGGREGATE, post.id().toString(), type, JSON.writeValueAsString(payload));
            String requestId = CallContext.currentRequestId();
            return requestId == null ? event : event.withHeader("request-id", requestId);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + type, e);
        }
    }
}
