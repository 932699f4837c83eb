package social.nova.feed;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import social.nova.contracts.content.v1.Post;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;
import social.nova.errors.Violations;
import social.nova.kit.Concurrently;

/**
 * The home feed, ranked by the caller's variant of the ranking experiment. Chronological (newest
 * first) pages by keyset: the first page fixes a time, and every page reads the next rows of the
 * feed as it stood then (timeline rows written by then, celebrity posts created by then), so
 * nothing is stored and posts arriving meanwhile neither shift nor repeat items. Engagement reads
 * the caller's candidates (fanned-out timeline plus the posts of followed celebrities, blocked
 * authors left out, at most {@code feed.paging.snapshot-max-items}), ranks them and, when they fill
 * more than one page, stores the ranked list as a snapshot in Redis; its cursor (scoped to the
 * caller) names the snapshot and the offset of the next page.
 * Every page drops authors blocked meanwhile and is hydrated with one GetPosts call carrying the
 * caller's token; posts content-service no longer returns (deleted) are dropped. The first page
 * (either ranking) also lists the followed users' streams that are live when it is read, at most
 * {@code feed.live.max-streams}; later pages list none.
 */
final class Feeds {
    private final Jdbi jdbi;
    private final FeedStore store;
    private final Snapshots snapshots;
    private final Cursors cursors;
    private final ContentDirectory content;
    private final Experiments experiments;
    private final String rankingExperiment;
    private final int snapshotMaxItems;
    private final int liveMaxStreams;
    private final Clock clock;

    /** One feed entry as the caller sees it. */
    record Item(Post post, double score, boolean ownPost) {}

    /** A followed user's stream, live now. */
    record LiveNow(UUID streamId, UUID ownerId, String title, String playbackUrl, Instant liveAt) {}

    /**
     * One page of the feed, the cursor of the next (null on the last page), the assignment that
     * ranked it and, on the first page only, the followed users' live streams (newest first).
     */
    record FeedPage(List<Item> items, String nextCursor, Experiments.Assignment assignment, List<LiveNow> liveStreams) {
        FeedPage(List<Item> items, String nextCursor, Experiments.Assignment assignment) {
            this(items, nextCursor, assignment, List.of());
        }

        FeedPage withLiveStreams(List<LiveNow> live) {
            return new FeedPage(items, nextCursor, assignment, List.copyOf(live));
        }
    }

    Feeds(
            Jdbi jdbi,
            FeedStore store,
            Snapshots snapshots,
            Cursors cursors,
            ContentDirectory content,
            Experiments experiments,
            String rankingExperiment,
            int snapshotMaxItems,
            int liveMaxStreams,
            Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.snapshots = snapshots;
        this.cursors = cursors;
        this.content = content;
        this.experiments = experiments;
        this.rankingExperiment = rankingExperiment;
        this.snapshotMaxItems = snapshotMaxItems;
        this.liveMaxStreams = liveMaxStreams;
        this.clock = clock;
    }

    FeedPage feed(UUID caller, int limit, String cursor) {
        String scope = "GetFeed:" + caller;
        Violations violations = new Violations();
        Cursors.Query query = cursors.read(limit, cursor, scope, violations);
        violations.throwIfAny();

        if (query.keyset() != null) {
            return chronological(
                    caller,
                    scope,
                    query.limit(),
                    query.keyset(),
                    experiments.runningAssignment(caller, rankingExperiment).orElse(null));
        }
        if (query.first()) {
            // The page and the live streams are independent reads: at once, not one after the other.
            return Concurrently.both(
                    () -> firstPage(caller, scope, query.limit()),
                    () -> liveStreams(caller),
                    FeedPage::withLiveStreams);
        }

        Snapshots.Snapshot snapshot = Cursors.NO_SNAPSHOT.equals(query.after().snapshot())
                ? null
                : snapshots.find(UUID.fromString(query.after().snapshot())).orElse(null);
        if (snapshot == null || !snapshot.owner().equals(caller)) {
            throw NovaException.invalidArgument(
                    FieldViolation.of("page.cursor", "the feed snapshot has expired; start again from the first page"));
        }
        List<Ranking.Ranked> posts = snapshot.posts();
        int from = Math.min(query.after().offset(), posts.size());
        int to = Math.min(from + query.limit(), posts.size());
        String next = to < posts.size() ? cursors.encode(scope, query.after().snapshot(), to) : null;
        return new FeedPage(hydrate(caller, posts.subList(from, to), true), next, snapshot.assignment());
    }

    /**
     * The first page in the caller's ranking: chronological fixes a time its keyset cursors carry,
     * engagement ranks the candidates and stores them as a snapshot when they fill more than one page.
     */
    private FeedPage firstPage(UUID caller, String scope, int limit) {
        Experiments.Assignment assignment =
                experiments.runningAssignment(caller, rankingExperiment).orElse(null);
        Ranking ranking = Ranking.forVariant(assignment == null ? null : assignment.variant());
        if (ranking == Ranking.CHRONOLOGICAL) {
            Instant asOf = clock.instant().truncatedTo(ChronoUnit.MICROS);
            return chronological(caller, scope, limit, new Cursors.Keyset(asOf, null, null), assignment);
        }
        List<Ranking.Ranked> ranked = ranking.rank(
                jdbi.withHandle(handle -> store.candidates(handle, caller, snapshotMaxItems)), clock.instant());
        if (ranked.size() <= limit) {
            return new FeedPage(hydrate(caller, ranked, false), null, assignment);
        }
        // Saving the snapshot (Redis) and reading the page's posts (content-service) at once.
        return Concurrently.both(
                () -> snapshots.save(new Snapshots.Snapshot(caller, assignment, ranked)),
                () -> hydrate(caller, ranked.subList(0, limit), false),
                (snapshot, items) ->
                        new FeedPage(items, cursors.encode(scope, snapshot.toString(), limit), assignment));
    }

    /** The followed users' streams live now, newest first; none when {@code feed.live.max-streams} is 0. */
    private List<LiveNow> liveStreams(UUID caller) {
        return liveMaxStreams == 0
                ? List.of()
                : jdbi.withHandle(handle -> store.liveStreams(handle, caller, liveMaxStreams));
    }

    /**
     * A page of the chronological feed: no stored snapshot, only the time the first page fixed
     * ({@code position.asOf()}), which the keyset cursor carries; the page reads {@code limit + 1}
     * rows and no like counts.
     */
    private FeedPage chronological(
            UUID caller, String scope, int limit, Cursors.Keyset position, Experiments.Assignment assignment) {
        List<Ranking.Candidate> rows = jdbi.withHandle(handle ->
                store.chronological(handle, caller, position.asOf(), position.createdAt(), position.id(), limit + 1));
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            Ranking.Candidate last = rows.getLast();
            next = cursors.encode(scope, new Cursors.Keyset(position.asOf(), last.createdAt(), last.postId()));
        }
        // Already in the keyset's order (PostgreSQL's, which breaks ties on ids as the cursor compares them).
        List<Ranking.Ranked> page = rows.stream()
                .map(row -> new Ranking.Ranked(
                        row.postId(), row.authorId(), Ranking.CHRONOLOGICAL.score(row, position.asOf())))
                .toList();
        return new FeedPage(hydrate(caller, page, false), next, assignment);
    }

    /**
     * The page's posts from content-service. {@code checkBlocks}: a page from a stored snapshot
     * leaves out authors blocked since it was taken (a page read now filtered blocks when it read).
     */
    private List<Item> hydrate(UUID caller, List<Ranking.Ranked> page, boolean checkBlocks) {
        Set<UUID> blocked = !checkBlocks || page.isEmpty()
                ? Set.of()
                : jdbi.withHandle(handle -> store.blockedAmong(
                        handle,
                        caller,
                        page.stream().map(Ranking.Ranked::authorId).distinct().toList()));
        List<Ranking.Ranked> visible =
                page.stream().filter(r -> !blocked.contains(r.authorId())).toList();
        Map<UUID, Post> posts =
                content.posts(visible.stream().map(Ranking.Ranked::postId).toList());
        List<Item> items = new ArrayList<>();
        for (Ranking.Ranked ranked : visible) {
            Post post = posts.get(ranked.postId());
            if (post != null) {
                items.add(new Item(post, ranked.score(), ranked.authorId().equals(caller)));
            }
        }
        return items;
    }
}
