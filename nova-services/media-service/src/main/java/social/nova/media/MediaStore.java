package social.nova.media;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for {@code media.objects}, {@code media.usage} and {@code media.media}. Every method runs on the caller's handle. */
final class MediaStore {
    private static final String COLUMNS = "id, owner_id, sha256, content_type, size_bytes, file_name, status, width, "
            + "height, duration_ms, failure, created_at";

    /** Processing state of a media item (the contract's MediaStatus). */
    enum Status {
        PROCESSING,
        READY,
        FAILED
    }

    /** A media item. {@code durationMs} is null for images; {@code failure} says why processing failed. */
    record Media(
            UUID id,
            UUID ownerId,
            String sha256,
            String contentType,
            long sizeBytes,
            String fileName,
            Status status,
            int width,
            int height,
            Long durationMs,
            String failure,
            Instant createdAt) {
        /** The object key of the item's bytes. */
        String objectKey() {
            return MediaStore.objectKey(ownerId, sha256);
        }
    }

    /** Where stored bytes live: {@code objects/<owner>/<sha256>}, their content address. */
    static final String OBJECTS_PREFIX = "objects/";

    static String objectKey(UUID owner, String sha256) {
        return OBJECTS_PREFIX + owner + "/" + sha256;
    }

    /** Bytes the owner stores, read with the owner's usage row locked until the transaction ends. */
    long lockUsage(Handle handle, UUID owner) {
        handle.createUpdate("INSERT INTO usage (owner_id) VALUES (:owner) ON CONFLICT DO NOTHING")
                .bind("owner", owner)
                .execute();
        return handle.createQuery("SELECT used_bytes FROM usage WHERE owner_id = :owner FOR UPDATE")
                .bind("owner", owner)
                .mapTo(Long.class)
                .one();
    }

    /** Bytes the owner stores (no lock: the quick check before an upload's bytes arrive). */
    long usedBytes(Handle handle, UUID owner) {
        return handle.createQuery("SELECT used_bytes FROM usage WHERE owner_id = :owner")
                .bind("owner", owner)
                .mapTo(Long.class)
                .findOne()
                .orElse(0L);
    }

    boolean objectExists(Handle handle, UUID owner, String sha256) {
        return handle.createQuery("SELECT 1 FROM objects WHERE owner_id = :owner AND sha256 = :sha")
                .bind("owner", owner)
                .bind("sha", sha256)
                .mapTo(Integer.class)
                .findOne()
                .isPresent();
    }

    /** Records a new object and adds its bytes to the owner's usage (whose row the caller locked). */
    void addObject(Handle handle, UUID owner, String sha256, long size) {
        handle.createUpdate("INSERT INTO objects (owner_id, sha256, size_bytes) VALUES (:owner, :sha, :size)")
                .bind("owner", owner)
                .bind("sha", sha256)
                .bind("size", size)
                .execute();
        handle.createUpdate("UPDATE usage SET used_bytes = used_bytes + :size WHERE owner_id = :owner")
                .bind("owner", owner)
                .bind("size", size)
                .execute();
    }

    void insert(Handle handle, Media media) {
        handle.createUpdate("INSERT INTO media (" + COLUMNS + ") VALUES (:id, :owner, :sha, :type, :size, :name, "
                        + ":status, :width, :height, :duration, :failure, :createdAt)")
                .bind("id", media.id())
                .bind("owner", media.ownerId())
                .bind("sha", media.sha256())
                .bind("type", media.contentType())
                .bind("size", media.sizeBytes())
                .bind("name", media.fileName())
                .bind("status", media.status().name())
                .bind("width", media.width())
                .bind("height", media.height())
                .bind("duration", media.durationMs())
                .bind("failure", media.failure())
                .bind("createdAt", Timestamp.from(media.createdAt()))
                .execute();
    }

    Optional<Media> find(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM media WHERE id = :id")
                .bind("id", id)
                .map(MediaStore::media)
                .findOne();
    }

    /** A thumbnail's size; its bytes are at {@link #thumbnailKey}. */
    record Thumbnail(int sizePx, int width, int height) {}

    static String thumbnailKey(UUID owner, String sha256, int sizePx) {
        return "thumbnails/" + owner + "/" + sha256 + "/" + sizePx + ".webp";
    }

    Optional<Thumbnail> thumbnail(Handle handle, UUID owner, String sha256, int sizePx) {
        return handle.createQuery("SELECT size_px, width, height FROM thumbnails "
                        + "WHERE owner_id = :owner AND sha256 = :sha AND size_px = :size")
                .bind("owner", owner)
                .bind("sha", sha256)
                .bind("size", sizePx)
                .map((row, ctx) -> new Thumbnail(row.getInt("size_px"), row.getInt("width"), row.getInt("height")))
                .findOne();
    }

    /** Records an object's thumbnails (again, when an event is delivered twice). */
    void saveThumbnails(Handle handle, UUID owner, String sha256, java.util.List<Images.Thumbnail> thumbnails) {
        for (Images.Thumbnail thumbnail : thumbnails) {
            handle.createUpdate("INSERT INTO thumbnails (owner_id, sha256, size_px, width, height, bytes) "
                            + "VALUES (:owner, :sha, :size, :width, :height, :bytes) "
                            + "ON CONFLICT (owner_id, sha256, size_px) DO UPDATE SET width = EXCLUDED.width, "
                            + "height = EXCLUDED.height, bytes = EXCLUDED.bytes")
                    .bind("owner", owner)
                    .bind("sha", sha256)
                    .bind("size", thumbnail.sizePx())
                    .bind("width", thumbnail.width())
                    .bind("height", thumbnail.height())
                    .bind("bytes", thumbnail.webp().length)
                    .execute();
        }
    }

    /** A processed item of the same object (same owner and bytes), whose outcome a new upload of them takes over. */
    Optional<Media> processedTwin(Handle handle, UUID owner, String sha256) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM media WHERE owner_id = :owner AND sha256 = :sha "
                        + "AND status <> 'PROCESSING' ORDER BY created_at LIMIT 1")
                .bind("owner", owner)
                .bind("sha", sha256)
                .map(MediaStore::media)
                .findOne();
    }

    /** PROCESSING to READY; false when the item was not PROCESSING (handled already). */
    boolean markReady(Handle handle, UUID id, int width, int height, Long durationMs) {
        return handle.createUpdate("UPDATE media SET status = 'READY', width = :width, height = :height, "
                                + "duration_ms = :duration, failure = NULL WHERE id = :id AND status = 'PROCESSING'")
                        .bind("id", id)
                        .bind("width", width)
                        .bind("height", height)
                        .bind("duration", durationMs)
                        .execute()
                == 1;
    }

    /** PROCESSING to FAILED, saying why; false when the item was not PROCESSING. */
    boolean markFailed(Handle handle, UUID id, String failure) {
        return handle.createUpdate("UPDATE media SET status = 'FAILED', failure = :failure "
                                + "WHERE id = :id AND status = 'PROCESSING'")
                        .bind("id", id)
                        .bind("failure", failure)
                        .execute()
                == 1;
    }

    /** Attaches the author's media among {@code mediaIds} to a post (ids of others or unknown are skipped). */
    int attach(Handle handle, UUID postId, UUID authorId, java.util.List<UUID> mediaIds) {
        return handle.createUpdate("INSERT INTO attachments (media_id, post_id) SELECT id, :post FROM media "
                        + "WHERE id = ANY(:ids) AND owner_id = :author ON CONFLICT DO NOTHING")
                .bind("post", postId)
                .bind("author", authorId)
                .bindArray("ids", UUID.class, mediaIds)
                .execute();
    }

    int detach(Handle handle, UUID postId) {
        return handle.createUpdate("DELETE FROM attachments WHERE post_id = :post")
                .bind("post", postId)
                .execute();
    }

    boolean attached(Handle handle, UUID mediaId) {
        return handle.createQuery("SELECT 1 FROM attachments WHERE media_id = :id LIMIT 1")
                .bind("id", mediaId)
                .mapTo(Integer.class)
                .findOne()
                .isPresent();
    }

    private static Media media(ResultSet row, StatementContext context) throws SQLException {
        long duration = row.getLong("duration_ms");
        Long durationMs = row.wasNull() ? null : duration;
        return new Media(
                row.getObject("id", UUID.class),
                row.getObject("owner_id", UUID.class),
                row.getString("sha256"),
                row.getString("content_type"),
                row.getLong("size_bytes"),
                row.getString("file_name"),
                Status.valueOf(row.getString("status")),
                row.getInt("width"),
                row.getInt("height"),
                durationMs,
                row.getString("failure"),
                row.getTimestamp("created_at").toInstant());
    }
}
