package social.nova.feed;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Handle;

/**
 * SQL for feed-service's read model. Every method runs on the caller's handle, and every change is
 * idempotent (events arrive at least once): inserts skip existing rows, deletes of absent rows
 * change nothing, and follower counts move only with a follow row that was really inserted or
 * deleted.
 */
final class FeedStore {
    /** Above every post's time and id: the start of a newest-first list. */
    private static final Timestamp TOP = Timestamp.from(Instant.parse("9999-12-31T00:00:00Z"));

    private static final UUID LAST_ID = new UUID(-1L, -1L);

    /**
     * Serialises, per author, a post's fan-out with follows of that author: without it a follow
     * committed while a post fans out could miss the post both ways (the back-fill does not see the
     * uncommitted post, the fan-out does not see the uncommitted follow).
     */
    void lockAuthor(Handle handle, UUID author) {
        handle.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(:author, 7))) AS locked")
                .bind("author", author.toString())
                .mapTo(Integer.class)
                .one();
    }

    /** Records a new post; false if it was already known (a redelivery, or deleted before it arrived). */
    boolean insertPost(Handle handle, UUID post, UUID author, Instant createdAt, boolean fannedOut) {
        return handle.createUpdate("INSERT INTO posts (post_id, author_id, created_at, fanned_out) "
                                + "VALUES (:post, :author, :createdAt, :fannedOut) ON CONFLICT DO NOTHING")
                        .bind("post", post)
                        .bind("author", author)
                        .bind("createdAt", Timestamp.from(createdAt))
                        .bind("fannedOut", fannedOut)
                        .execute()
                == 1;
    }

    long followers(Handle handle, UUID user) {
        return handle.createQuery("SELECT followers FROM follower_counts WHERE user_id = :user")
                .bind("user", user)
                .mapTo(Long.class)
                .findOne()
                .orElse(0L);
    }

    /** The post in the author's own timeline and, with {@code toFollowers}, in every follower's: one statement each. */
    int fanOut(Handle handle, UUID post, UUID author, Instant createdAt, boolean toFollowers) {
        String readers = toFollowers
                ? "SELECT :author UNION SELECT follower_id FROM follows WHERE followee_id = :author"
                : "SELECT :author";
        return handle.createUpdate("INSERT INTO timeline (user_id, post_id, author_id, created_at) "
                        + "SELECT reader, :post, :author, :createdAt FROM (" + readers + ") AS r(reader) "
                        + "ON CONFLICT DO NOTHING")
                .bind("post", post)
                .bind("author", author)
                .bind("createdAt", Timestamp.from(createdAt))
                .execute();
    }

    /** Marks the post deleted (a tombstone if it was unknown) and removes it from timelines, likes and trending. */
    void deletePost(Handle handle, UUID post, UUID author, Instant deletedAt) {
        handle.createUpdate("INSERT INTO posts (post_id, author_id, created_at, fanned_out, deleted) "
                        + "VALUES (:post, :author, :at, true, true) "
                        + "ON CONFLICT (post_id) DO UPDATE SET deleted = true")
                .bind("post", post)
                .bind("author", author)
                .bind("at", Timestamp.from(deletedAt))
                .execute();
        for (String table : List.of("timeline", "likes", "trending")) {
            handle.createUpdate("DELETE FROM " + table + " WHERE post_id = :post")
                    .bind("post", post)
                    .execute();
        }
    }

    /** A like of a post that is not deleted. */
    void like(Handle handle, UUID post, UUID user, Instant likedAt) {
        handle.createUpdate("INSERT INTO likes (post_id, user_id, liked_at) SELECT :post, :user, :at "
                        + "WHERE NOT EXISTS (SELECT 1 FROM posts WHERE post_id = :post AND deleted) "
                        + "ON CONFLICT DO NOTHING")
                .bind("post", post)
                .bind("user", user)
                .bind("at", Timestamp.from(likedAt))
                .execute();
    }

    void unlike(Handle handle, UUID post, UUID user) {
        handle.createUpdate("DELETE FROM likes WHERE post_id = :post AND user_id = :user")
                .bind("post", post)
                .bind("user", user)
                .execute();
    }

    /** A new follow, with the follower count and the back-fill of the followee's newest posts; false if it existed. */
    boolean follow(Handle handle, UUID follower, UUID followee, Instant at, int backfill) {
        boolean inserted = handle.createUpdate("INSERT INTO follows (follower_id, followee_id, followed_at) "
                                + "VALUES (:follower, :followee, :at) ON CONFLICT DO NOTHING")
                        .bind("follower", follower)
                        .bind("followee", followee)
                        .bind("at", Timestamp.from(at))
                        .execute()
                == 1;
        if (!inserted) {
            return false;
        }
        handle.createUpdate("INSERT INTO follower_counts (user_id, followers) VALUES (:user, 1) "
                        + "ON CONFLICT (user_id) DO UPDATE SET followers = follower_counts.followers + 1")
                .bind("user", followee)
                .execute();
        if (backfill > 0) {
            handle.createUpdate("INSERT INTO timeline (user_id, post_id, author_id, created_at) "
                            + "SELECT :follower, post_id, author_id, created_at FROM posts "
                            + "WHERE author_id = :followee AND NOT deleted "
                            + "ORDER BY created_at DESC, post_id DESC LIMIT :backfill ON CONFLICT DO NOTHING")
                    .bind("follower", follower)
                    .bind("followee", followee)
                    .bind("backfill", backfill)
                    .execute();
        }
        return true;
    }

    /** Ends a follow: the count, and the followee's posts leave the follower's timeline. */
    void unfollow(Handle handle, UUID follower, UUID followee) {
        boolean deleted =
                handle.createUpdate("DELETE FROM follows WHERE follower_id = :follower AND followee_id = :followee")
                                .bind("follower", follower)
                                .bind("followee", followee)
                                .execute()
                        == 1;
        if (deleted) {
            handle.createUpdate(
                            "UPDATE follower_counts SET followers = greatest(followers - 1, 0) WHERE user_id = :user")
                    .bind("user", followee)
                    .execute();
        }
        removeFromTimeline(handle, follower, followee);
    }

    /** A block hides each user's posts from the other's timeline (and GetFeed filters blocks when it reads). */
    void block(Handle handle, UUID blocker, UUID blocked, Instant at) {
        handle.createUpdate("INSERT INTO blocks (blocker_id, blocked_id, blocked_at) VALUES (:blocker, :blocked, :at) "
                        + "ON CONFLICT DO NOTHING")
                .bind("blocker", blocker)
                .bind("blocked", blocked)
                .bind("at", Timestamp.from(at))
                .execute();
        removeFromTimeline(handle, blocker, blocked);
        removeFromTimeline(handle, blocked, blocker);
    }

    void unblock(Handle handle, UUID blocker, UUID blocked) {
        handle.createUpdate("DELETE FROM blocks WHERE blocker_id = :blocker AND blocked_id = :blocked")
                .bind("blocker", blocker)
                .bind("blocked", blocked)
                .execute();
    }

    private static void removeFromTimeline(Handle handle, UUID reader, UUID author) {
        handle.createUpdate("DELETE FROM timeline WHERE user_id = :reader AND author_id = :author")
                .bind("reader", reader)
                .bind("author", author)
                .execute();
    }

    /**
     * A stream went live: its row, unless the stream is known (a redelivery; or it ended first, and
     * its tombstone stays) or it went live more than {@code retention} ago (its StreamEnded may have
     * come, and its tombstone been purged, already).
     */
    void streamStarted(
            Handle handle,
            UUID stream,
            UUID owner,
            String title,
            String playbackUrl,
            Instant liveAt,
            Duration retention) {
        handle.createUpdate("INSERT INTO live_streams (stream_id, owner_id, title, playback_url, live_at) "
                        + "SELECT :stream, :owner, :title, :playbackUrl, :liveAt "
                        + "WHERE :liveAt > now() - :retentionSeconds * interval '1 second' "
                        + "ON CONFLICT DO NOTHING")
                .bind("stream", stream)
                .bind("owner", owner)
                .bind("title", title)
                .bind("playbackUrl", playbackUrl)
                .bind("liveAt", Timestamp.from(liveAt))
                .bind("retentionSeconds", seconds(retention))
                .execute();
    }

    /**
     * A stream ended: its row gets its first {@code ended_at} (a tombstone if the stream was unknown,
     * so a late StreamStarted cannot make it live), and the rows that ended more than {@code retention}
     * ago are deleted.
     */
    void streamEnded(Handle handle, UUID stream, UUID owner, Instant endedAt, Duration retention) {
        handle.createUpdate(
                        "INSERT INTO live_streams (stream_id, owner_id, ended_at) VALUES (:stream, :owner, :endedAt) "
                                + "ON CONFLICT (stream_id) DO UPDATE SET ended_at = EXCLUDED.ended_at "
                                + "WHERE live_streams.ended_at IS NULL")
                .bind("stream", stream)
                .bind("owner", owner)
                .bind("endedAt", Timestamp.from(endedAt))
                .execute();
        handle.createUpdate("DELETE FROM live_streams WHERE ended_at < now() - :retentionSeconds * interval '1 second'")
                .bind("retentionSeconds", seconds(retention))
                .execute();
    }

    /**
     * Up to {@code max} streams live now of the users {@code user} follows, newest first, without
     * users blocked in either direction (the rule of the timeline reads) and never the user's own.
     */
    List<Feeds.LiveNow> liveStreams(Handle handle, UUID user, int max) {
        return handle.createQuery("""
                        SELECT s.stream_id, s.owner_id, s.title, s.playback_url, s.live_at
                        FROM follows f JOIN live_streams s ON s.owner_id = f.followee_id AND s.ended_at IS NULL
                        WHERE f.follower_id = :user AND s.owner_id <> :user
                          AND s.owner_id NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = :user
                                                 UNION SELECT blocker_id FROM blocks WHERE blocked_id = :user)
                        ORDER BY s.live_at DESC, s.stream_id DESC LIMIT :max""")
                .bind("user", user)
                .bind("max", max)
                .map((rs, ctx) -> new Feeds.LiveNow(
                        rs.getObject("stream_id", UUID.class),
                        rs.getObject("owner_id", UUID.class),
                        rs.getString("title"),
                        rs.getString("playback_url"),
                        rs.getTimestamp("live_at").toInstant()))
                .list();
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /**
     * Up to {@code max} of the newest posts for the user's feed, in one statement: the fanned-out
     * timeline plus, merged at read time, the not fanned-out posts of followed authors (celebrities),
     * without authors blocked in either direction, with their like counts.
     */
    List<Ranking.Candidate> candidates(Handle handle, UUID user, int max) {
        return handle.createQuery("""
                        WITH blocked AS (
                            SELECT blocked_id AS other FROM blocks WHERE blocker_id = :user
                            UNION SELECT blocker_id FROM blocks WHERE blocked_id = :user),
                        fanned AS (
                            SELECT post_id, author_id, created_at FROM timeline WHERE user_id = :user
                            ORDER BY created_at DESC, post_id DESC LIMIT :max),
                        merged AS (
                            SELECT p.post_id, p.author_id, p.created_at FROM follows f
                            CROSS JOIN LATERAL (
                                SELECT post_id, author_id, created_at FROM posts
                                WHERE author_id = f.followee_id AND NOT fanned_out AND NOT deleted
                                ORDER BY created_at DESC, post_id DESC LIMIT :max) p
                            WHERE f.follower_id = :user),
                        candidates AS (SELECT * FROM fanned UNION SELECT * FROM merged)
                        SELECT c.post_id, c.author_id, c.created_at,
                               (SELECT count(*) FROM likes l WHERE l.post_id = c.post_id) AS likes
                        FROM candidates c
                        WHERE c.author_id NOT IN (SELECT other FROM blocked)
                        ORDER BY c.created_at DESC, c.post_id DESC LIMIT :max""")
                .bind("user", user)
                .bind("max", max)
                .map((rs, ctx) -> new Ranking.Candidate(
                        rs.getObject("post_id", UUID.class),
                        rs.getObject("author_id", UUID.class),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getLong("likes")))
                .list();
    }

    /**
     * One page of the chronological feed, newest first, as it stood at {@code asOf}: timeline rows
     * written by then and the not fanned-out posts of followed authors created by then, after
     * ({@code afterCreatedAt}, {@code afterId}) in newest-first order (null: from the top), without
     * authors blocked in either direction. Reads {@code limit} rows and no like counts.
     */
    List<Ranking.Candidate> chronological(
            Handle handle, UUID user, Instant asOf, Instant afterCreatedAt, UUID afterId, int limit) {
        return handle.createQuery("""
                        WITH blocked AS (
                            SELECT blocked_id AS other FROM blocks WHERE blocker_id = :user
                            UNION SELECT blocker_id FROM blocks WHERE blocked_id = :user),
                        fanned AS (
                            SELECT post_id, author_id, created_at FROM timeline
                            WHERE user_id = :user AND added_at <= :asOf AND (created_at, post_id) < (:afterAt, :afterId)
                            ORDER BY created_at DESC, post_id DESC LIMIT :limit),
                        merged AS (
                            SELECT p.post_id, p.author_id, p.created_at FROM follows f
                            CROSS JOIN LATERAL (
                                SELECT post_id, author_id, created_at FROM posts
                                WHERE author_id = f.followee_id AND NOT fanned_out AND NOT deleted
                                  AND created_at <= :asOf AND (created_at, post_id) < (:afterAt, :afterId)
                                ORDER BY created_at DESC, post_id DESC LIMIT :limit) p
                            WHERE f.follower_id = :user),
                        candidates AS (SELECT * FROM fanned UNION SELECT * FROM merged)
                        SELECT c.post_id, c.author_id, c.created_at FROM candidates c
                        WHERE c.author_id NOT IN (SELECT other FROM blocked)
                        ORDER BY c.created_at DESC, c.post_id DESC LIMIT :limit""")
                .bind("user", user)
                .bind("asOf", Timestamp.from(asOf))
                .bind("afterAt", afterCreatedAt == null ? TOP : Timestamp.from(afterCreatedAt))
                .bind("afterId", afterId == null ? LAST_ID : afterId)
                .bind("limit", limit)
                .map((rs, ctx) -> new Ranking.Candidate(
                        rs.getObject("post_id", UUID.class),
                        rs.getObject("author_id", UUID.class),
                        rs.getTimestamp("created_at").toInstant(),
                        0))
                .list();
    }

    /** The users among {@code others} that {@code user} blocked or that blocked {@code user}. */
    Set<UUID> blockedAmong(Handle handle, UUID user, List<UUID> others) {
        if (others.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(handle.createQuery("""
                        SELECT blocked_id FROM blocks WHERE blocker_id = :user AND blocked_id = ANY(:others)
                        UNION SELECT blocker_id FROM blocks WHERE blocked_id = :user AND blocker_id = ANY(:others)""")
                .bind("user", user)
                .bindArray("others", UUID.class, others)
                .mapTo(UUID.class)
                .list());
    }
}
