package social.nova.user;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import social.nova.db.OutboxEvent;
import social.nova.rpc.CallContext;

/**
 * The events user-service publishes through its outbox to {@code nova.events.user} (aggregate
 * {@code user}; the aggregate id is the user who acted: the profile's owner, the follower, the
 * blocker). auth-service's {@code UserRegistered} shares the stream. Payloads are JSON with
 * camelCase fields and ISO-8601 times; each event carries the {@code request-id} header of the
 * call that caused it. Each is appended only when the call changed something.
 */
final class UserEvents {
    static final String AGGREGATE = "user";
    static final String PROFILE_UPDATED = "UserProfileUpdated";
    static final String FOLLOWED = "UserFollowed";
    static final String UNFOLLOWED = "UserUnfollowed";
    static final String BLOCKED = "UserBlocked";
    static final String UNBLOCKED = "UserUnblocked";
    private static final ObjectMapper JSON = new ObjectMapper();

    private UserEvents() {}

    /** {@code {userId, username, displayName, bio, updatedAt}}: the profile's values after the change. */
    static OutboxEvent profileUpdated(Profile profile, Instant at) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("userId", profile.id().toString());
        payload.put("username", profile.username());
        payload.put("displayName", profile.displayName());
        payload.put("bio", profile.bio());
        payload.put("updatedAt", at.toString());
        return event(profile.id(), PROFILE_UPDATED, payload);
    }

    /** {@code {followerId, followeeId, followedAt}}. */
    static OutboxEvent followed(UUID follower, UUID followee, Instant at) {
        return event(follower, FOLLOWED, pair("followerId", follower, "followeeId", followee, "followedAt", at));
    }

    /** {@code {followerId, followeeId, unfollowedAt}}; also for each follow a block ends. */
    static OutboxEvent unfollowed(UUID follower, UUID followee, Instant at) {
        return event(follower, UNFOLLOWED, pair("followerId", follower, "followeeId", followee, "unfollowedAt", at));
    }

    /** {@code {blockerId, blockedId, blockedAt}}. */
    static OutboxEvent blocked(UUID blocker, UUID blocked, Instant at) {
        return event(blocker, BLOCKED, pair("blockerId", blocker, "blockedId", blocked, "blockedAt", at));
    }

    /** {@code {blockerId, blockedId, unblockedAt}}. */
    static OutboxEvent unblocked(UUID blocker, UUID blocked, Instant at) {
        return event(blocker, UNBLOCKED, pair("blockerId", blocker, "blockedId", blocked, "unblockedAt", at));
    }

    private static Map<String, Object> pair(
            String actorField, UUID actor, String otherField, UUID other, String timeField, Instant at) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put(actorField, actor.toString());
        payload.put(otherField, other.toString());
        payload.put(timeField, at.toString());
        return payload;
    }

    private static OutboxEvent event(UUID aggregateId, String type, Map<String, Object> payload) {
        try {
            OutboxEvent event =
                    OutboxEvent.of(AGGREGATE, aggregateId.toString(), type, JSON.writeValueAsString(payload));
            String requestId = CallContext.currentRequestId();
            return requestId == null ? event : event.withHeader("request-id", requestId);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + type, e);
        }
    }
}
