package social.nova.harness.latency;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * How long the read side took to follow the posts of a load run, one sample per post, read from
 * the consumers' own tables after the run: from the post's creation (the {@code createdAt} its
 * {@code PostCreated} event carries, set by content-service in the transaction that also writes
 * the event) to the time the consumer's transaction wrote it ({@code now()} of PostgreSQL; the
 * stack's containers share one clock). Nothing polls during the load, so measuring adds no load.
 *
 * <ul>
 *   <li>{@code content-service -> feed-service PostCreated -> every timeline}: until the last of
 *       the post's timeline rows (the author's and every follower's) was written;</li>
 *   <li>{@code content-service -> search-service PostCreated -> searchable}: until the post's row,
 *       and with it its GIN index entry, was written.</li>
 * </ul>
 */
public final class EventLags {
    public static final String SOURCE = "the consumers' tables: the row's write time minus the post's createdAt"
            + " (PostgreSQL, one clock), every post of the measured load";
    private static final String FEED = """
            SELECT p.created_at, max(t.added_at) FROM feed.posts p JOIN feed.timeline t ON t.post_id = p.post_id
            WHERE p.created_at >= ? AND p.created_at < ? GROUP BY p.post_id, p.created_at""";
    private static final String SEARCH = """
            SELECT created_at, indexed_at FROM search.posts WHERE created_at >= ? AND created_at < ?""";

    private EventLags() {}

    /** The lags of the posts created in {@code [from, to)}, as event edges for the report. */
    public static List<EdgeLatency> of(String jdbcUrl, String user, String password, Instant from, Instant to) {
        try (Connection db = DriverManager.getConnection(jdbcUrl, user, password)) {
            return List.of(
                    EdgeLatency.eventLag(
                            "content-service",
                            "feed-service",
                            "PostCreated -> every timeline",
                            lags(db, FEED, from, to),
                            SOURCE),
                    EdgeLatency.eventLag(
                            "content-service",
                            "search-service",
                            "PostCreated -> searchable",
                            lags(db, SEARCH, from, to),
                            SOURCE));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the read side's tables: " + e.getMessage(), e);
        }
    }

    private static Histogram lags(Connection db, String query, Instant from, Instant to) throws SQLException {
        Histogram micros = new Histogram(3);
        try (PreparedStatement select = db.prepareStatement(query)) {
            select.setTimestamp(1, Timestamp.from(from));
            select.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Instant created = rows.getTimestamp(1).toInstant();
                    Instant written = rows.getTimestamp(2).toInstant();
                    long lag = java.time.Duration.between(created, written).toNanos() / 1_000;
                    micros.recordValue(Math.max(1, lag));
                }
            }
        }
        return micros;
    }
}
