package social.nova.feed;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import social.nova.events.Event;
import social.nova.events.EventHandler;
import social.nova.events.EventPayload;

/**
 * Builds the read model from events: {@link #posts()} handles content-service's PostCreated,
 * PostDeleted, PostLiked and PostUnliked on {@code nova.events.post}, {@link #users()} handles
 * user-service's UserFollowed, UserUnfollowed, UserBlocked and UserUnblocked on
 * {@code nova.events.user}, {@link #streams()} handles streaming-service's StreamStarted and
 * StreamEnded on {@code nova.events.stream}; other types are ignored. Each event is one
 * transaction and handling it again changes nothing (delivery is at least once). A malformed event
 * throws, is retried and ends in the dead-letter stream.
 */
final class FeedEvents {

    private final Jdbi jdbi;
    private final FeedStore store;
    private final int backfill;
    private final long celebrityThreshold;
    private final Duration endedStreamRetention;

    FeedEvents(Jdbi jdbi, FeedStore store, int backfill, long celebrityThreshold, Duration endedStreamRetention) {
        this.jdbi = jdbi;
        this.store = store;
        this.backfill = backfill;
        this.celebrityThreshold = celebrityThreshold;
        this.endedStreamRetention = endedStreamRetention;
    }

    EventHandler posts() {
        return this::handlePost;
    }

    EventHandler users() {
        return this::handleUser;
    }

    EventHandler streams() {
        return this::handleStream;
    }

    void handlePost(Event event) throws Exception {
        switch (event.type()) {
            case "PostCreated" -> {
                EventPayload p = EventPayload.of(event);
                UUID post = p.uuid("postId");
                UUID author = p.uuid("authorId");
                Instant createdAt = p.instant("createdAt");
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
                EventPayload p = EventPayload.of(event);
                UUID post = p.uuid("postId");
                UUID author = p.uuid("authorId");
                Instant deletedAt = p.instant("deletedAt");
                jdbi.useTransaction(handle -> store.deletePost(handle, post, author, deletedAt));
            }
            case "PostLiked" -> {
                EventPayload p = EventPayload.of(event);
                UUID post = p.uuid("postId");
                UUID user = p.uuid("userId");
                Instant likedAt = p.instant("likedAt");
                jdbi.useHandle(handle -> store.like(handle, post, user, likedAt));
            }
            case "PostUnliked" -> {
                EventPayload p = EventPayload.of(event);
                UUID post = p.uuid("postId");
                UUID user = p.uuid("userId");
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
                EventPayload p = EventPayload.of(event);
                UUID follower = p.uuid("followerId");
                UUID followee = p.uuid("followeeId");
                Instant at = p.instant("followedAt");
                jdbi.useTransaction(handle -> {
                    store.lockAuthor(handle, followee);
                    store.follow(handle, follower, followee, at, backfill);
                });
            }
            case "UserUnfollowed" -> {
                EventPayload p = EventPayload.of(event);
                UUID follower = p.uuid("followerId");
                UUID followee = p.uuid("followeeId");
                jdbi.useTransaction(handle -> {
                    store.lockAuthor(handle, followee);
                    store.unfollow(handle, follower, followee);
                });
            }
            case "UserBlocked" -> {
                EventPayload p = EventPayload.of(event);
                UUID blocker = p.uuid("blockerId");
                UUID blocked = p.uuid("blockedId");
                Instant at = p.instant("blockedAt");
                jdbi.useTransaction(handle -> store.block(handle, blocker, blocked, at));
            }
            case "UserUnblocked" -> {
                EventPayload p = EventPayload.of(event);
                UUID blocker = p.uuid("blockerId");
                UUID blocked = p.uuid("blockedId");
                jdbi.useHandle(handle -> store.unblock(handle, blocker, blocked));
            }
            default -> {
                // UserRegistered, UserProfileUpdated...: not the feed's business.
            }
        }
    }

    void handleStream(Event event) throws Exception {
        switch (event.type()) {
            case "StreamStarted" -> {
                EventPayload p = EventPayload.of(event);
                UUID stream = p.uuid("streamId");
                UUID owner = p.uuid("ownerId");
                String title = p.text("title");
                String playbackUrl = p.text("playbackUrl");
                Instant liveAt = p.instant("liveAt");
                jdbi.useHandle(handle ->
                        store.streamStarted(handle, stream, owner, title, playbackUrl, liveAt, endedStreamRetention));
            }
            case "StreamEnded" -> {
                EventPayload p = EventPayload.of(event);
                UUID stream = p.uuid("streamId");
                UUID owner = p.uuid("ownerId");
                Instant endedAt = p.instant("endedAt");
                jdbi.useTransaction(handle -> store.streamEnded(handle, stream, owner, endedAt, endedStreamRetention));
            }
            default -> {
                // Types added to the stream later are not the feed's business until it handles them.
            }
        }
    }
}
