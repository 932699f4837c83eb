package social.nova.feed;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import social.nova.contracts.content.v1.Post;
import social.nova.errors.Violations;

/**
 * Trending posts per window (HOUR, DAY, WEEK). Every {@code feed.trending.interval} each window's
 * list is recomputed from the likes in it: a like counts {@code 0.5^(age / (window / 4))}, so a
 * like loses half its weight every quarter of the window, and the post's score is the sum over its
 * likes; deleted posts are left out. The recomputation of a window runs in one transaction under
 * {@code pg_try_advisory_xact_lock}: with several instances one recomputes, the others skip that
 * round. GetTrending pages through the current list (offsets; a recomputation between two pages
 * may move posts across them), leaves out authors blocked by or blocking the caller, and hydrates
 * the page with one GetPosts call.
 */
final class Trending implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Trending.class.getName());
    /** The windows of nova.common.v1.TimeWindow and their lengths. */
    static final Map<String, Duration> WINDOWS =
            Map.of("HOUR", Duration.ofHours(1), "DAY", Duration.ofDays(1), "WEEK", Duration.ofDays(7));

    private static final long LOCK_BASE = 0x7f3e_d000_0000L;

    private final Jdbi jdbi;
    private final Cursors cursors;
    private final ContentDirectory content;
    private final int maxPosts;
    private final Clock clock;
    private ScheduledExecutorService scheduler;

    /** One trending post as the caller sees it. */
    record Item(Post post, double score) {}

    /** A page of trending posts, the next cursor (null: last page) and when the list was computed (null: never). */
    record TrendingPage(List<Item> items, String nextCursor, Instant computedAt) {}

    Trending(Jdbi jdbi, Cursors cursors, ContentDirectory content, int maxPosts, Clock clock) {
        this.jdbi = jdbi;
        this.cursors = cursors;
        this.content = content;
        this.maxPosts = maxPosts;
        this.clock = clock;
    }

    /** Recomputes every {@code interval} on a virtual thread until {@link #close()}. */
    Trending start(Duration interval) {
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("feed-trending").factory());
        scheduler.scheduleWithFixedDelay(this::recomputeQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private void recomputeQuietly() {
        try {
            recompute();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Recomputing trending posts failed; next try in one interval", e);
        }
    }

    /** Recomputes every window; returns how many windows this instance recomputed (others held the lock). */
    int recompute() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        int done = 0;
        for (Map.Entry<String, Duration> window : WINDOWS.entrySet()) {
            if (jdbi.inTransaction(handle -> recompute(handle, window.getKey(), window.getValue(), now))) {
                done++;
            }
        }
        return done;
    }

    private boolean recompute(Handle handle, String window, Duration length, Instant now) {
        boolean locked = handle.createQuery("SELECT pg_try_advisory_xact_lock(:key)")
                .bind("key", LOCK_BASE + window.hashCode())
                .mapTo(Boolean.class)
                .one();
        if (!locked) {
            return false;
        }
        handle.createUpdate("DELETE FROM trending WHERE time_window = :window")
                .bind("window", window)
                .execute();
        handle.createUpdate("""
                        INSERT INTO trending (time_window, post_id, score, computed_at)
                        SELECT :window, l.post_id,
                               sum(power(0.5, greatest(extract(epoch FROM (:now - l.liked_at)), 0)::float8 / :halfLife)),
                               :now
                        FROM likes l JOIN posts p ON p.post_id = l.post_id AND NOT p.deleted
                        WHERE l.liked_at > :since
                        GROUP BY l.post_id
                        ORDER BY 3 DESC, l.post_id
                        LIMIT :max""")
                .bind("window", window)
                .bind("now", Timestamp.from(now))
                .bind("since", Timestamp.from(now.minus(length)))
                .bind("halfLife", length.toSeconds() / 4.0)
                .bind("max", maxPosts)
                .execute();
        handle.createUpdate("INSERT INTO trending_runs (time_window, computed_at) VALUES (:window, :now) "
                        + "ON CONFLICT (time_window) DO UPDATE SET computed_at = EXCLUDED.computed_at")
                .bind("window", window)
                .bind("now", Timestamp.from(now))
                .execute();
        return true;
    }

    /** {@code window} is HOUR, DAY or WEEK, or null after the endpoint found no valid one (a violation on "window"). */
    TrendingPage trending(UUID caller, String window, int limit, String cursor) {
        Violations violations = new Violations();
        if (window == null) {
            violations.add(
                    "window", "must be TIME_WINDOW_HOUR, TIME_WINDOW_DAY, TIME_WINDOW_WEEK or unspecified (day)");
        }
        String scope = "GetTrending:" + window;
        Cursors.Query query = cursors.read(limit, cursor, scope, violations);
        violations.throwIfAny();

        int offset = query.after() == null ? 0 : query.after().offset();
        record Row(UUID postId, double score) {}
        record Read(Instant computedAt, List<Row> rows) {}
        Read read = jdbi.withHandle(handle -> new Read(
                handle.createQuery("SELECT computed_at FROM trending_runs WHERE time_window = :window")
                        .bind("window", window)
                        .mapTo(Timestamp.class)
                        .findOne()
                        .map(Timestamp::toInstant)
                        .orElse(null),
                handle.createQuery("""
                        SELECT t.post_id, t.score FROM trending t JOIN posts p ON p.post_id = t.post_id
                        WHERE t.time_window = :window AND NOT p.deleted
                          AND p.author_id NOT IN (SELECT blocked_id FROM blocks WHERE blocker_id = :caller
                                                  UNION SELECT blocker_id FROM blocks WHERE blocked_id = :caller)
                        ORDER BY t.score DESC, t.post_id
                        LIMIT :limit OFFSET :offset""")
                        .bind("window", window)
                        .bind("caller", caller)
                        .bind("limit", query.limit() + 1)
                        .bind("offset", offset)
                        .map((rs, ctx) -> new Row(rs.getObject("post_id", UUID.class), rs.getDouble("score")))
                        .list()));
        Instant computedAt = read.computedAt();
        List<Row> rows = read.rows();
        String next = null;
        if (rows.size() > query.limit()) {
            rows = rows.subList(0, query.limit());
            next = cursors.encode(scope, Cursors.NO_SNAPSHOT, offset + query.limit());
        }
        Map<UUID, Post> posts = content.posts(rows.stream().map(Row::postId).toList());
        List<Item> items = new ArrayList<>();
        for (Row row : rows) {
            Post post = posts.get(row.postId());
            if (post != null) {
                items.add(new Item(post, row.score()));
            }
        }
        return new TrendingPage(items, next, computedAt);
    }
}
