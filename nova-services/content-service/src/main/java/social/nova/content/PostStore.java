package social.nova.content;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import social.nova.db.Outbox;
import social.nova.db.OutboxEvent;
import social.nova.kit.Paging;

/** SQL for {@code content.posts} and {@code content.likes}. Every method runs on the caller's handle. */
final class PostStore {
    private static final String COLUMNS = "id, author_id, text, media_ids, like_count, created_at, deleted_at";
    /** Whether {@code :viewer} likes the row's post, as column {@code liked}. */
    private static final String LIKED =
            "EXISTS (SELECT 1 FROM likes WHERE likes.post_id = posts.id AND likes.user_id = :viewer) AS liked";

    /** Inserts the post and appends its event in one statement ({@link Outbox#appendWith}). */
    void insert(Handle handle, Post post, OutboxEvent created) {
        Outbox.appendWith(
                handle,
                "INSERT INTO posts (id, author_id, text, media_ids, created_at) "
                        + "VALUES (:id, :author, :text, :media, :createdAt)",
                update -> update.bind("id", post.id())
                        .bind("author", post.authorId())
                        .bind("text", post.text())
                        .bindArray("media", UUID.class, post.mediaIds())
                        .bind("createdAt", Timestamp.from(post.createdAt())),
                created);
    }

    /**
     * The post, deleted or not, with its row locked until the transaction ends: likes, unlikes
     * and deletes of one post are serialised, which keeps like_count exact and makes its events
     * leave the outbox in the order of the changes.
     */
    Optional<Post> lock(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM posts WHERE id = :id FOR UPDATE")
                .bind("id", id)
                .map(PostStore::post)
                .findOne();
    }

    /**
     * The existing (not deleted) posts among {@code ids}, in no particular order, each with whether
     * {@code viewer} likes it: one statement (the likes' primary key answers each EXISTS).
     */
    List<PostView> existingViewsByIds(Handle handle, List<UUID> ids, UUID viewer) {
        return handle.createQuery("SELECT " + COLUMNS + ", " + LIKED + " FROM posts WHERE id = ANY(:ids) "
                        + "AND deleted_at IS NULL")
                .bindArray("ids", UUID.class, ids)
                .bind("viewer", viewer)
                .map(PostStore::view)
                .list();
    }

    /**
     * Up to {@code limit} of an author's existing posts, newest first, after {@code after} (null:
     * from the top), each with whether {@code viewer} likes it.
     */
    List<PostView> byAuthor(Handle handle, UUID author, Paging.Position after, int limit, UUID viewer) {
        String keyset = after == null ? "" : "AND (created_at, id) < (:afterAt, :afterId) ";
        var query = handle.createQuery("SELECT " + COLUMNS + ", " + LIKED + " FROM posts WHERE author_id = :author "
                        + "AND deleted_at IS NULL " + keyset
                        + "ORDER BY created_at DESC, id DESC LIMIT :limit")
                .bind("author", author)
                .bind("viewer", viewer)
                .bind("limit", limit);
        if (after != null) {
            query.bind("afterAt", Timestamp.from(after.at())).bind("afterId", after.id());
        }
        return query.map(PostStore::view).list();
    }

    /** Marks the post deleted and removes its likes. */
    void delete(Handle handle, UUID id, Instant now) {
        handle.createUpdate("DELETE FROM likes WHERE post_id = :id")
                .bind("id", id)
                .execute();
        handle.createUpdate("UPDATE posts SET deleted_at = :now, like_count = 0 WHERE id = :id")
                .bind("id", id)
                .bind("now", Timestamp.from(now))
                .execute();
    }

    /**
     * The post as the user sees it, with whether the user likes it, in one round trip: a read
     * answers with a single statement, not one per table.
     */
    Optional<PostView> viewById(Handle handle, UUID id, UUID viewer) {
        return handle.createQuery("SELECT " + COLUMNS + ", " + LIKED + " FROM posts WHERE id = :id")
                .bind("id", id)
                .bind("viewer", viewer)
                .map(PostStore::view)
                .findOne();
    }

    /** A like or unlike: the post as it was before the change (locked), and whether anything changed. */
    record LikeChange(Post before, boolean changed) {}

    /**
     * Adds the user's like in one statement: locks the post row (see {@link #lock}), inserts the
     * like unless it exists or the post is deleted, and raises like_count when it was inserted.
     * Empty for an unknown post. One round trip instead of three (lock, insert, count) inside the
     * transaction that also appends the event.
     */
    Optional<LikeChange> like(Handle handle, UUID postId, UUID userId) {
        return likeChange(
                handle,
                postId,
                userId,
                "INSERT INTO likes (post_id, user_id) "
                        + "SELECT id, :user FROM target WHERE deleted_at IS NULL ON CONFLICT DO NOTHING RETURNING post_id",
                "+ 1");
    }

    /** As {@link #like}, removing the user's like (if any) and lowering like_count. */
    Optional<LikeChange> unlike(Handle handle, UUID postId, UUID userId) {
        return likeChange(
                handle,
                postId,
                userId,
                "DELETE FROM likes WHERE post_id = :post AND user_id = :user "
                        + "AND EXISTS (SELECT 1 FROM target WHERE deleted_at IS NULL) RETURNING post_id",
                "- 1");
    }

    /**
     * The one statement of a like or unlike: {@code target} locks the post row, {@code change} adds
     * or removes the like and returns the post id when it did, and only then like_count moves by
     * {@code delta}.
     */
    private static Optional<LikeChange> likeChange(
            Handle handle, UUID postId, UUID userId, String change, String delta) {
        return handle.createQuery("WITH target AS (SELECT " + COLUMNS + " FROM posts WHERE id = :post FOR UPDATE), "
                        + "changes AS (" + change + "), "
                        + "counted AS (UPDATE posts SET like_count = like_count " + delta + " "
                        + "WHERE id IN (SELECT post_id FROM changes) RETURNING id) "
                        + "SELECT target.*, EXISTS (SELECT 1 FROM changes) AS changed FROM target")
                .bind("post", postId)
                .bind("user", userId)
                .map((rs, ctx) -> new LikeChange(post(rs, ctx), rs.getBoolean("changed")))
                .findOne();
    }

    private static PostView view(ResultSet rs, StatementContext ctx) throws SQLException {
        return new PostView(post(rs, ctx), rs.getBoolean("liked"));
    }

    private static Post post(ResultSet rs, StatementContext ctx) throws SQLException {
        Timestamp deleted = rs.getTimestamp("deleted_at");
        return new Post(
                rs.getObject("id", UUID.class),
                rs.getObject("author_id", UUID.class),
                rs.getString("text"),
                mediaIds(rs.getArray("media_ids")),
                rs.getLong("like_count"),
                rs.getTimestamp("created_at").toInstant(),
                deleted == null ? null : deleted.toInstant());
    }

    /** A {@code uuid[]} in its order (the driver gives {@link UUID}s). */
    private static List<UUID> mediaIds(Array array) throws SQLException {
        try {
            return List.of((UUID[]) array.getArray());
        } finally {
            array.free();
        }
    }
}
