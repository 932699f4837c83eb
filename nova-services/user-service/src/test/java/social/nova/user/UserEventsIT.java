package social.nova.user;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import social.nova.contracts.user.v1.BlockRequest;
import social.nova.contracts.user.v1.FollowRequest;
import social.nova.contracts.user.v1.UnblockRequest;
import social.nova.contracts.user.v1.UnfollowRequest;
import social.nova.contracts.user.v1.UpdateProfileRequest;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * user-service announces every profile and graph change on {@code nova.events.user}, exactly once
 * per change, and its own subscription to that stream passes over them. A no-op is checked by a
 * later change: events of one user reach the stream in order, so an event the no-op wrongly
 * appended would show up before the later change's.
 */
class UserEventsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OWN_TYPES = Set.of(
            UserEvents.PROFILE_UPDATED,
            UserEvents.FOLLOWED,
            UserEvents.UNFOLLOWED,
            UserEvents.BLOCKED,
            UserEvents.UNBLOCKED);

    private final Platform platform = Platform.shared();

    @Test
    void aProfileChangeIsAnnouncedWithTheNewValuesAndAnUnchangedOneIsNot() throws Exception {
        Platform.User user = platform.registerWithProfile();
        Instant before = Instant.now();
        var users = platform.usersAs(user);

        users.updateProfile(UpdateProfileRequest.newBuilder()
                .setDisplayName("Ada L.")
                .setBio("Engines")
                .build());
        users.updateProfile(
                UpdateProfileRequest.newBuilder().setDisplayName(" Ada L. ").build()); // same after trim
        users.updateProfile(UpdateProfileRequest.newBuilder().setBio("").build());

        List<Map<String, String>> events = awaitEvents(user.id(), 2);
        assertThat(events)
                .extracting(event -> event.get("event-type"))
                .containsExactly("UserProfileUpdated", "UserProfileUpdated");
        Map<String, String> first = events.getFirst();
        assertThat(first).containsEntry("aggregate-type", "user").containsKey("header.request-id");
        JsonNode payload = JSON.readTree(first.get("payload"));
        assertThat(payload.get("userId").asText()).isEqualTo(user.id());
        assertThat(payload.get("username").asText()).isEqualTo(user.username());
        assertThat(payload.get("displayName").asText()).isEqualTo("Ada L.");
        assertThat(payload.get("bio").asText()).isEqualTo("Engines");
        assertThat(Instant.parse(payload.get("updatedAt").asText())).isAfterOrEqualTo(before.minusSeconds(1));
        JsonNode cleared = JSON.readTree(events.get(1).get("payload"));
        assertThat(cleared.get("displayName").asText()).isEqualTo("Ada L.");
        assertThat(cleared.get("bio").asText()).isEmpty();
    }

    @Test
    void followAndUnfollowAreAnnouncedOncePerChange() throws Exception {
        Platform.User fan = platform.registerWithProfile();
        Platform.User star = platform.registerWithProfile();
        var users = platform.usersAs(fan);
        FollowRequest follow = FollowRequest.newBuilder().setUserId(star.id()).build();
        UnfollowRequest unfollow =
                UnfollowRequest.newBuilder().setUserId(star.id()).build();

        users.follow(follow);
        users.follow(follow);
        users.unfollow(unfollow);
        users.unfollow(unfollow);
        users.follow(follow);

        List<Map<String, String>> events = awaitEvents(fan.id(), 3);
        assertThat(events)
                .extracting(event -> event.get("event-type"))
                .containsExactly("UserFollowed", "UserUnfollowed", "UserFollowed");
        JsonNode followed = JSON.readTree(events.getFirst().get("payload"));
        assertThat(followed.get("followerId").asText()).isEqualTo(fan.id());
        assertThat(followed.get("followeeId").asText()).isEqualTo(star.id());
        assertThat(followed.get("followedAt").asText()).isNotBlank();
        JsonNode unfollowed = JSON.readTree(events.get(1).get("payload"));
        assertThat(unfollowed.get("followerId").asText()).isEqualTo(fan.id());
        assertThat(unfollowed.get("followeeId").asText()).isEqualTo(star.id());
        assertThat(unfollowed.get("unfollowedAt").asText()).isNotBlank();
    }

    @Test
    void blockEndsFollowsBothWaysAndBlockAndUnblockAreAnnouncedOncePerChange() throws Exception {
        Platform.User alice = platform.registerWithProfile();
        Platform.User bob = platform.registerWithProfile();
        platform.usersAs(alice)
                .follow(FollowRequest.newBuilder().setUserId(bob.id()).build());
        platform.usersAs(bob)
                .follow(FollowRequest.newBuilder().setUserId(alice.id()).build());
        var users = platform.usersAs(alice);
        BlockRequest block = BlockRequest.newBuilder().setUserId(bob.id()).build();
        UnblockRequest unblock = UnblockRequest.newBuilder().setUserId(bob.id()).build();

        users.block(block);
        users.block(block);
        users.unblock(unblock);
        users.unblock(unblock);
        users.block(block);

        assertThat(awaitEvents(alice.id(), 5))
                .extracting(event -> event.get("event-type"))
                .containsExactly("UserFollowed", "UserUnfollowed", "UserBlocked", "UserUnblocked", "UserBlocked");
        List<Map<String, String>> bobs = awaitEvents(bob.id(), 2);
        assertThat(bobs).extracting(event -> event.get("event-type")).containsExactly("UserFollowed", "UserUnfollowed");
        JsonNode bobUnfollowed = JSON.readTree(bobs.get(1).get("payload"));
        assertThat(bobUnfollowed.get("followerId").asText()).isEqualTo(bob.id());
        assertThat(bobUnfollowed.get("followeeId").asText()).isEqualTo(alice.id());
        JsonNode blocked = JSON.readTree(awaitEvents(alice.id(), 5).get(2).get("payload"));
        assertThat(blocked.get("blockerId").asText()).isEqualTo(alice.id());
        assertThat(blocked.get("blockedId").asText()).isEqualTo(bob.id());
        assertThat(blocked.get("blockedAt").asText()).isNotBlank();
        JsonNode unblocked = JSON.readTree(awaitEvents(alice.id(), 5).get(3).get("payload"));
        assertThat(unblocked.get("blockerId").asText()).isEqualTo(alice.id());
        assertThat(unblocked.get("blockedId").asText()).isEqualTo(bob.id());
        assertThat(unblocked.get("unblockedAt").asText()).isNotBlank();
    }

    @Test
    void userServicesOwnSubscriptionPassesOverItsOwnEvents() {
        Platform.User fan = platform.registerWithProfile();
        Platform.User star = platform.registerWithProfile();
        platform.usersAs(fan)
                .follow(FollowRequest.newBuilder().setUserId(star.id()).build());
        platform.usersAs(fan)
                .updateProfile(UpdateProfileRequest.newBuilder().setBio("hello").build());
        awaitEvents(fan.id(), 2);

        try (RedisClient redis = redis()) {
            StreamEntryID last =
                    redis.xinfoStream(UserSettings.STREAM).getLastEntry().getID();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> redis.xinfoGroups(UserSettings.STREAM).stream()
                            .filter(group -> group.getName().equals(UserSettings.GROUP))
                            .anyMatch(group ->
                                    group.getLastDeliveredId().compareTo(last) >= 0 && group.getPending() == 0));
            boolean deadLettered = redis.exists(UserSettings.STREAM + ".dlq")
                    && redis.xrange(UserSettings.STREAM + ".dlq", (StreamEntryID) null, (StreamEntryID) null).stream()
                            .anyMatch(entry -> fan.id().equals(entry.getFields().get("aggregate-id")));
            assertThat(deadLettered).isFalse();
        }
    }

    /** user-service's own events about {@code actor} (UserRegistered is auth-service's), in stream order. */
    private static List<Map<String, String>> awaitEvents(String actor, int count) {
        try (RedisClient redis = redis()) {
            return await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> redis.xrange(UserSettings.STREAM, (StreamEntryID) null, (StreamEntryID) null).stream()
                                    .map(entry -> entry.getFields())
                                    .filter(fields -> actor.equals(fields.get("aggregate-id"))
                                            && OWN_TYPES.contains(fields.get("event-type")))
                                    .toList(),
                            events -> events.size() >= count);
        }
    }

    private static RedisClient redis() {
        return RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort());
    }
}
