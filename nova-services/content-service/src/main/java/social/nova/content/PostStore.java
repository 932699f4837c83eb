package social.nova.content;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import social.nova.kit.Paging;

/** SQL for {@code content.posts} and {@code content.likes}. Every method runs on the caller's handle. */
final class PostStore {
    private static final String COLUMNS = "id, author_id, text, like_count, created_at, deleted_at";

    void insert(Handle handle, Post post) {
        handle.createUpdate("INSERT INTO posts (id, author_id, text, created_at) VALUES (:id, :author, :text, :createdAt)")
                .bind("id", post.id())
                .bind("author", post.authorId())
                .bind("text", post.text())
                .bind("createdAt", Timestamp.from(post.createdAt()))
                .execute();
    }

    /** The post, deleted or not. */
    Optional<Post> byId(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM posts WHERE id = :id")
                .bind("id", id).map(PostStore::post).findOne();
    }

    /**
     * The post, deleted or not, with its row locked until the transaction ends: likes, unlikes
     * and deletes of one post are serialised, which keeps like_count exact and makes its events
     * leave the outbox in the order of the changes.
     */
    Optional<Post> lock(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM posts WHERE id = :id FOR UPDATE")
                .bind("id", id).map(PostStore::post).findOne();
    }

    /** The existing (not deleted) posts among {@code ids}, in no particular order. */
    List<Post> existingByIds(Handle handle, List<UUID> ids) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM posts WHERE id = ANY(:ids) AND deleted_at IS NULL")
                .bindArray("ids", UUID.class, ids).map(PostStore::post).list();
    }

    /** Up to {@code limit} of an author's existing posts, newest first, after {@code after} (null: from the top). */
    List<Post> byAuthor(Handle handle, UUID author, Paging.Position after, int limit) {
        String keyset = after == null ? "" : "AND (created_at, id) < (:afterAt, :afterId) ";
        var query = handle.createQuery("SELECT " + COLUMNS + " FROM posts WHERE author_id = :author "
                                               + "AND deleted_at IS NULL " + keyset
                                               + "ORDER BY created_at DESC, id DESC LIMIT :limit")
                .bind("author", author)
                .bind("limit", limit);
        if (after != null) {
            query.bind("afterAt", Timestamp.from(after.at())).bind("afterId", after.id());
        }
        return query.map(PostStore::post).list();
    }

    /** Marks the post deleted and removes its likes. */
    void delete(Handle handle, UUID id, Instant now) {
        handle.createUpdate("DELETE FROM likes WHERE post_id = :id").bind("id", id).execute();
        handle.createUpdate("UPDATE posts SET deleted_at = :now, like_count = 0 WHERE id = :id")
                .bind("id", id).bind("now", Timestamp.from(now)).execute();
    }

    /** True if the like is new (and like_count was raised). */
    boolean like(Handle handle, UUID postId, UUID userId) {
        boolean added = handle.createUpdate("INSERT INTO likes (post_id, user_id) VALUES (:post, :user) "
                                                    + "ON CONFLICT DO NOTHING")
                .bind("post", postId).bind("user", userId).execute() == 1;
        if (added) {
            adjustLikes(handle, postId, 1);
        }
        return added;
    }

    /** True if there was a like to remove (and like_count was lowered). */
    boolean unlike(Handle handle, UUID postId, UUID userId) {
        boolean removed = handle.createUpdate("DELETE FROM likes WHERE post_id = :post AND user_id = :user")
                .bind("post", postId).bind("user", userId).execute() == 1;
        if (removed) {
            adjustLikes(handle, postId, -1);
        }
        return removed;
    }

    /** Which of {@code postIds} the user likes. */
    Set<UUID> likedAmong(Handle handle, UUID userId, List<UUID> postIds) {
        if (postIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(handle.createQuery("SELECT post_id FROM likes WHERE user_id = :user AND post_id = ANY(:ids)")
                .bind("user", userId).bindArray("ids", UUID.class, postIds).mapTo(UUID.class).list());
    }

    private static void adjustLikes(Handle handle, UUID postId, int delta) {
        handle.createUpdate("UPDATE posts SET like_count = like_count + :delta WHERE id = :id")
                .bind("id", postId).bind("delta", delta).execute();
    }

    private static Post post(ResultSet rs, StatementContext ctx) throws SQLException {
        Timestamp deleted = rs.getTimestamp("deleted_at");
        return new Post(rs.getObject("id", UUID.class),
                rs.getObject("author_id", UUID.class),
                rs.getString("text"),
                rs.getLong("like_count"),
                rs.getTimestamp("created_at").toInstant(),
                deleted == null ? null : deleted.toInstant());
    }
}
