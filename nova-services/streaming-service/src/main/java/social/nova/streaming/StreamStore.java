package social.nova.streaming;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import social.nova.kit.Paging;

/** SQL for {@code streaming.streams}. Every method runs on the caller's handle. */
final class StreamStore {
    private static final String COLUMNS = "id, owner_id, title, description, status, key_hash, started_at, live_at, "
            + "publisher_seen_at, ended_at, end_reason, peak_viewers";

    /**
     * Inserts a STARTING stream; false when the owner already has one that has not ended (the
     * unique index decides, so that concurrent starts cannot both win).
     */
    boolean insert(Handle handle, Stream stream) {
        return handle.createUpdate("INSERT INTO streams (id, owner_id, title, description, status, key_hash, "
                                + "started_at) VALUES (:id, :owner, :title, :description, 'STARTING', :keyHash, "
                                + ":startedAt) ON CONFLICT (owner_id) WHERE status <> 'ENDED' DO NOTHING")
                        .bind("id", stream.id())
                        .bind("owner", stream.ownerId())
                        .bind("title", stream.title())
                        .bind("description", stream.description())
                        .bind("keyHash", stream.keyHash())
                        .bind("startedAt", Timestamp.from(stream.startedAt()))
                        .execute()
                == 1;
    }

    Optional<Stream> byId(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM streams WHERE id = :id")
                .bind("id", id)
                .map(StreamStore::stream)
                .findOne();
    }

    /** The stream with its row locked until the transaction ends: its changes are serialised. */
    Optional<Stream> lock(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM streams WHERE id = :id FOR UPDATE")
                .bind("id", id)
                .map(StreamStore::stream)
                .findOne();
    }

    /** The owner's stream that has not ended, if any. */
    Optional<Stream> openOf(Handle handle, UUID owner) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM streams WHERE owner_id = :owner AND status <> 'ENDED'")
                .bind("owner", owner)
                .map(StreamStore::stream)
                .findOne();
    }

    /** The statuses of {@code ids} (unknown ids are absent). */
    Map<UUID, Stream.Status> statuses(Handle handle, List<UUID> ids) {
        Map<UUID, Stream.Status> statuses = new HashMap<>();
        handle.createQuery("SELECT id, status FROM streams WHERE id = ANY(:ids)")
                .bindArray("ids", UUID.class, ids)
                .map((rs, ctx) ->
                        Map.entry(rs.getObject("id", UUID.class), Stream.Status.valueOf(rs.getString("status"))))
                .forEach(entry -> statuses.put(entry.getKey(), entry.getValue()));
        return statuses;
    }

    /** Up to {@code limit} LIVE streams, most recently started first, after {@code after} (null: from the top). */
    List<Stream> live(Handle handle, Paging.Position after, int limit) {
        String keyset = after == null ? "" : "AND (started_at, id) < (:afterAt, :afterId) ";
        var query = handle.createQuery("SELECT " + COLUMNS + " FROM streams WHERE status = 'LIVE' " + keyset
                        + "ORDER BY started_at DESC, id DESC LIMIT :limit")
                .bind("limit", limit);
        if (after != null) {
            query.bind("afterAt", Timestamp.from(after.at())).bind("afterId", after.id());
        }
        return query.map(StreamStore::stream).list();
    }

    /** STARTING becomes LIVE: the media server's first publish. */
    void goLive(Handle handle, UUID id, Instant now) {
        handle.createUpdate(
                        "UPDATE streams SET status = 'LIVE', live_at = :now, publisher_seen_at = :now WHERE id = :id")
                .bind("id", id)
                .bind("now", Timestamp.from(now))
                .execute();
    }

    /** The media server reported the publisher of a LIVE stream; false when the stream is not LIVE. */
    boolean publisherSeen(Handle handle, UUID id, Instant now) {
        return handle.createUpdate("UPDATE streams SET publisher_seen_at = :now WHERE id = :id AND status = 'LIVE'")
                        .bind("id", id)
                        .bind("now", Timestamp.from(now))
                        .execute()
                == 1;
    }

    void end(Handle handle, UUID id, Instant now, Stream.EndReason reason, long peakViewers) {
        handle.createUpdate("UPDATE streams SET status = 'ENDED', ended_at = :now, end_reason = :reason, "
                        + "peak_viewers = GREATEST(peak_viewers, :peak) WHERE id = :id")
                .bind("id", id)
                .bind("now", Timestamp.from(now))
                .bind("reason", reason.name())
                .bind("peak", peakViewers)
                .execute();
    }

    /**
     * Up to {@code limit} open streams that must end by themselves, locked, skipping rows another
     * instance is ending: STARTING since before {@code startedBefore}, or LIVE without word of the
     * publisher since before {@code seenBefore} (null: LIVE streams are not considered).
     */
    List<Stream> overdue(Handle handle, Instant startedBefore, Instant seenBefore, int limit) {
        String live = seenBefore == null ? "" : "OR (status = 'LIVE' AND publisher_seen_at < :seenBefore) ";
        var query = handle.createQuery("SELECT " + COLUMNS + " FROM streams WHERE status <> 'ENDED' AND "
                        + "((status = 'STARTING' AND started_at < :startedBefore) " + live + ") "
                        + "LIMIT :limit FOR UPDATE SKIP LOCKED")
                .bind("startedBefore", Timestamp.from(startedBefore))
                .bind("limit", limit);
        if (seenBefore != null) {
            query.bind("seenBefore", Timestamp.from(seenBefore));
        }
        return query.map(StreamStore::stream).list();
    }

    private static Stream stream(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Stream(
                rs.getObject("id", UUID.class),
                rs.getObject("owner_id", UUID.class),
                rs.getString("title"),
                rs.getString("description"),
                Stream.Status.valueOf(rs.getString("status")),
                rs.getBytes("key_hash"),
                instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("live_at")),
                instant(rs.getTimestamp("publisher_seen_at")),
                instant(rs.getTimestamp("ended_at")),
                rs.getString("end_reason"),
                rs.getLong("peak_viewers"));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
