package social.nova.servicetesting;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import social.nova.db.OutboxEvent;

/**
 * The events of the contracts' event table ({@code contracts/README.md}, "Events"), published on
 * the shared Redis as their producers publish them ({@link PublishedEvents}): how a consumer's
 * tests stand in for auth-, user- or content-service. Each method publishes one event now and
 * returns it; the payloads are exactly the table's (camelCase, ISO-8601 UTC times).
 */
public final class NovaEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NovaEvents() {}

    /** auth-service's {@code UserRegistered}: {@code userId, username, displayName, registeredAt}. */
    public static OutboxEvent userRegistered(String userId, String username, String displayName) {
        return publish(
                "auth",
                "user",
                userId,
                "UserRegistered",
                payload("userId", userId, "username", username, "displayName", displayName, "registeredAt", now()));
    }

    /** auth-service's {@code EmailVerified}: {@code userId, verifiedAt}. */
    public static OutboxEvent emailVerified(String userId) {
        return publish("auth", "user", userId, "EmailVerified", payload("userId", userId, "verifiedAt", now()));
    }

    /** user-service's {@code UserProfileUpdated}: the values after the change. */
    public static OutboxEvent userProfileUpdated(String userId, String username, String displayName, String bio) {
        return publish(
                "users",
                "user",
                userId,
                "UserProfileUpdated",
                payload(
                        "userId",
                        userId,
                        "username",
                        username,
                        "displayName",
                        displayName,
                        "bio",
                        bio,
                        "updatedAt",
                        now()));
    }

    /** user-service's {@code UserFollowed} (aggregate: the follower). */
    public static OutboxEvent userFollowed(String followerId, String followeeId) {
        return publish(
                "users",
                "user",
                followerId,
                "UserFollowed",
                payload("followerId", followerId, "followeeId", followeeId, "followedAt", now()));
    }

    /** user-service's {@code UserUnfollowed} (aggregate: the follower). */
    public static OutboxEvent userUnfollowed(String followerId, String followeeId) {
        return publish(
                "users",
                "user",
                followerId,
                "UserUnfollowed",
                payload("followerId", followerId, "followeeId", followeeId, "unfollowedAt", now()));
    }

    /** user-service's {@code UserBlocked} (aggregate: the blocker); the follows it ends come first as UserUnfollowed. */
    public static OutboxEvent userBlocked(String blockerId, String blockedId) {
        return publish(
                "users",
                "user",
                blockerId,
                "UserBlocked",
                payload("blockerId", blockerId, "blockedId", blockedId, "blockedAt", now()));
    }

    /** user-service's {@code UserUnblocked} (aggregate: the blocker). */
    public static OutboxEvent userUnblocked(String blockerId, String blockedId) {
        return publish(
                "users",
                "user",
                blockerId,
                "UserUnblocked",
                payload("blockerId", blockerId, "blockedId", blockedId, "unblockedAt", now()));
    }

    /** content-service's {@code PostCreated}: {@code postId, authorId, text, createdAt}. */
    public static OutboxEvent postCreated(String postId, String authorId, String text, Instant createdAt) {
        return publish(
                "content",
                "post",
                postId,
                "PostCreated",
                payload("postId", postId, "authorId", authorId, "text", text, "createdAt", createdAt.toString()));
    }

    /** content-service's {@code PostCreated} of a post that shows media: {@code postId, authorId, text, createdAt, mediaIds}. */
    public static OutboxEvent postCreated(
            String postId, String authorId, String text, Instant createdAt, java.util.List<String> mediaIds) {
        Map<String, Object> payload =
                payload("postId", postId, "authorId", authorId, "text", text, "createdAt", createdAt.toString());
        payload.put("mediaIds", java.util.List.copyOf(mediaIds));
        return publish("content", "post", postId, "PostCreated", payload);
    }

    /** content-service's {@code PostDeleted}: {@code postId, authorId, deletedAt}. */
    public static OutboxEvent postDeleted(String postId, String authorId) {
        return publish(
                "content",
                "post",
                postId,
                "PostDeleted",
                payload("postId", postId, "authorId", authorId, "deletedAt", now()));
    }

    /** content-service's {@code PostLiked}: {@code postId, authorId, userId, likeCount, likedAt}. */
    public static OutboxEvent postLiked(String postId, String authorId, String userId, long likeCount) {
        Map<String, Object> payload = payload("postId", postId, "authorId", authorId, "userId", userId);
        payload.put("likeCount", likeCount);
        payload.put("likedAt", now());
        return publish("content", "post", postId, "PostLiked", payload);
    }

    /** content-service's {@code PostUnliked}: {@code postId, authorId, userId, likeCount, unlikedAt}. */
    public static OutboxEvent postUnliked(String postId, String authorId, String userId, long likeCount) {
        Map<String, Object> payload = payload("postId", postId, "authorId", authorId, "userId", userId);
        payload.put("likeCount", likeCount);
        payload.put("unlikedAt", now());
        return publish("content", "post", postId, "PostUnliked", payload);
    }

    /**
     * streaming-service's {@code StreamStarted} (the stream went LIVE; aggregate: the stream):
     * {@code streamId, ownerId, title, playbackUrl, startedAt, liveAt}.
     */
    public static OutboxEvent streamStarted(
            String streamId, String ownerId, String title, String playbackUrl, Instant startedAt, Instant liveAt) {
        return publish(
                "streaming",
                "stream",
                streamId,
                "StreamStarted",
                payload(
                        "streamId",
                        streamId,
                        "ownerId",
                        ownerId,
                        "title",
                        title,
                        "playbackUrl",
                        playbackUrl,
                        "startedAt",
                        startedAt.toString(),
                        "liveAt",
                        liveAt.toString()));
    }

    /**
     * streaming-service's {@code StreamEnded} (aggregate: the stream; also for a stream that never
     * went live): {@code streamId, ownerId, reason, peakViewers, wentLive, endedAt}.
     */
    public static OutboxEvent streamEnded(
            String streamId, String ownerId, String reason, long peakViewers, boolean wentLive) {
        Map<String, Object> payload = payload("streamId", streamId, "ownerId", ownerId, "reason", reason);
        payload.put("peakViewers", peakViewers);
        payload.put("wentLive", wentLive);
        payload.put("endedAt", now());
        return publish("streaming", "stream", streamId, "StreamEnded", payload);
    }

    private static OutboxEvent publish(
            String sourceSchema, String aggregateType, String aggregateId, String type, Map<String, Object> payload) {
        try {
            OutboxEvent event = OutboxEvent.of(aggregateType, aggregateId, type, JSON.writeValueAsString(payload));
            PublishedEvents.publish(event, sourceSchema);
            return event;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + type, e);
        }
    }

    private static Map<String, Object> payload(String... pairs) {
        Map<String, Object> payload = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            payload.put(pairs[i], pairs[i + 1]);
        }
        return payload;
    }

    private static String now() {
        return Instant.now().toString();
    }
}
