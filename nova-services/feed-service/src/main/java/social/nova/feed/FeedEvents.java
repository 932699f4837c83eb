package social.nova.feed;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;
import social.nova.events.Event;
import social.nova.events.EventHandler;

/**
 * Builds the read model from events: {@link #posts()} handles content-service's PostCreated,
 * PostDeleted, PostLiked and PostUnliked on {@code nova.events.post}, {@link #users()} handles
 * user-service's UserFollowed, UserUnfollowed, UserBlocked and UserUnblocked on
 * {@code nova.events.user}; other types are ignored. Each event is one transaction and handling it
 * again changes nothing (delivery is at least once). A malformed event throws, is retried and ends
 * in the dead-letter stream.
 */
final class FeedEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final FeedStore store;
    private final int backfill;
    private final long celebrityThreshold;

    FeedEvents(Jdbi jdbi, FeedStore store, int backfill, long celebrityThreshold) {
        this.jdbi = jdbi;
        this.store = store;
        this.backfill = backfill;
        this.celebrityThreshold = celebrityThreshold;
    }

    EventHandler posts() {
        return this::handlePost;
    }

    EventHandler users() {
        return this::handleUser;
    }

    void handlePost(Event event) throws Exception {
        switch (event.type()) {
            case "PostCreated" -> {
                JsonNode p = JSON.readTree(event.payload());
                UUID post = uuid(p, "postId");
                UUID author = uuid(p, "authorId");
                Instant createdAt = instant(p, "createdAt");
                jdbi.useTransaction(handle -> {
                    store.lockAuthor(handle, author);
                    // Authors above the threshold are not fanned out: GetFeed merges their posts in.
                    boolean toFollowers = store.followers(handle, author) <= celebrityThreshold;
                    if (store.insertPost(handle, post, author, createdAt, toFollowers)) {
                        store.fanOut(handle, post, author, createdAt, toFollowers);
                    }
                });
            }
            case "PostDeleted" -> {
                JsonNode p = JSON.readTree(event.payload());
                UUID post = uuid(p, "postId");
                UUID author = uuid(p, "authorId");
                Instant deletedAt = instant(p, "deletedAt");
                jdbi.useTransaction(handle -> store.deletePost(handle, post, author, deletedAt));
            }
            case "PostLiked" -> {
                JsonNode p = JSON.readTree(event.payload());
                UUID post = uuid(p, "postId");
                UUID user = uuid(p, "userId");
                Instant likedAt = instant(p, "likedAt");
                jdbi.useHandle(handle -> store.like(handle, post, user, likedAt));
            }
            case "PostUnliked" -> {
                JsonNode p = JSON.readTree(event.payload());
                UUID post = uuid(p, "postId");
                UUID user = uuid(p, "userId");
                jdbi.useHandle(handle -> store.unlike(handle, post, user));
            }
            default -> {
                // Other types on the stream are not the feed's business.
            }
        }
    }

    void handleUser(Event event) throws Exception {
        switch (event.type()) {
            case "UserFollowed" -> {
                JsonNode p = JSON.readTree(event.payload());
                UUID follower = uuid(p, "followerId");
                UUID followee = uuid(p, "followeeId");
                Instant at = instant(p, "followedAt");
                jdbi.useTransaction(handle -> {
                    store.lockAuthor(handle, followee);
                    store.follow(handle, follower, followee, at, backfill);
                });
            }
            case "UserUnfollowed" -> {
                JsonNode p = JSON.readTree(event.payload());
                UUID follower = uuid(p, "followerId");
                UUID followee = uuid(p, "followeeId");
                jdbi.useTransaction(handle -> {
                    store.lockAuthor(handle, followee);
                    store.unfollow(handle, follower, followee);
                });
            }
            case "UserBlocked" -> {
                JsonNode p = JSON.readTree(event.payload());
                UUID blocker = uuid(p, "blockerId");
                UUID blocked = uuid(p, "blockedId");
                Instant at = instant(p, "blockedAt");
                jdbi.useTransaction(handle -> store.block(handle, blocker, blocked, at));
            }
            case "UserUnblocked" -> {
                JsonNode p = JSON.readTree(event.payload());
                UUID blocker = uuid(p, "blockerId");
                UUID blocked = uuid(p, "blockedId");
                jdbi.useHandle(handle -> store.unblock(handle, blocker, blocked));
            }
            default -> {
                // UserRegistered, UserProfileUpdated...: not the feed's business.
            }
        }
    }

    private static UUID uuid(JsonNode payload, String field) {
        return UUID.fromString(text(payload, field));
    }

    private static Instant instant(JsonNode payload, String field) {
        return Instant.parse(text(payload, field));
    }

    private static String text(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("event payload lacks " + field);
        }
        return value.asText();
    }
}
