package social.nova.search;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import org.jdbi.v3.core.Handle;

/**
 * The index's writes, one idempotent statement each: handling an event twice, or an older event
 * after a newer one, leaves the index as the newest state says.
 */
final class IndexStore {

    /** Inserts the user, or takes the new names when {@code at} is newer than the stored ones. */
    void upsertUser(Handle handle, UUID id, String username, String displayName, Instant at) {
        handle.createUpdate("INSERT INTO users (id, username, display_name, updated_at) "
                        + "VALUES (:id, :username, :displayName, :at) "
                        + "ON CONFLICT (id) DO UPDATE SET username = excluded.username, "
                        + "display_name = excluded.display_name, updated_at = excluded.updated_at "
                        + "WHERE users.updated_at < excluded.updated_at")
                .bind("id", id)
                .bind("username", username)
                .bind("displayName", displayName)
                .bind("at", Timestamp.from(at))
                .execute();
    }

    /** Records that {@code blocker} blocks (or no longer blocks) {@code blocked} as of {@code at}. */
    void setBlock(Handle handle, UUID blocker, UUID blocked, boolean active, Instant at) {
        handle.createUpdate("INSERT INTO blocks (blocker_id, blocked_id, active, changed_at) "
                        + "VALUES (:blocker, :blocked, :active, :at) "
                        + "ON CONFLICT (blocker_id, blocked_id) DO UPDATE SET active = excluded.active, "
                        + "changed_at = excluded.changed_at WHERE blocks.changed_at < excluded.changed_at")
                .bind("blocker", blocker)
                .bind("blocked", blocked)
                .bind("active", active)
                .bind("at", Timestamp.from(at))
                .execute();
    }

    /** Indexes the post unless it is indexed already or was deleted. */
    void addPost(Handle handle, UUID id, UUID authorId, String text, Instant createdAt) {
        handle.createUpdate("INSERT INTO posts (id, author_id, text, created_at) "
                        + "SELECT :id, :author, :text, :createdAt "
                        + "WHERE NOT EXISTS (SELECT 1 FROM deleted_posts WHERE id = :id) "
                        + "ON CONFLICT (id) DO NOTHING")
                .bind("id", id)
                .bind("author", authorId)
                .bind("text", text)
                .bind("createdAt", Timestamp.from(createdAt))
                .execute();
    }

    /** Removes the post and remembers that it was deleted. */
    void deletePost(Handle handle, UUID id, Instant deletedAt) {
        handle.createUpdate("INSERT INTO deleted_posts (id, deleted_at) VALUES (:id, :at) ON CONFLICT (id) DO NOTHING")
                .bind("id", id)
                .bind("at", Timestamp.from(deletedAt))
                .execute();
        handle.createUpdate("DELETE FROM posts WHERE id = :id").bind("id", id).execute();
    }
}
