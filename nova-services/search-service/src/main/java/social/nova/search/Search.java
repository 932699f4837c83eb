package social.nova.search;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import social.nova.contracts.common.v1.TimeWindow;
import social.nova.errors.Violations;
import social.nova.kit.Ids;
import social.nova.kit.Paging;
import social.nova.kit.RankedPaging;
import social.nova.kit.RateLimits;
import social.nova.redis.RateLimiter;

/**
 * Searches of the index: validation, the caller's rate limit, paging by relevance
 * ({@link RankedPaging}: cursors scoped to the RPC, the caller, the query's words and the filters)
 * and the typo fallback for users.
 */
final class Search {
    private final Jdbi jdbi;
    private final SearchStore store;
    private final RateLimiter limiter;
    private final RankedPaging paging;
    private final double typoMinSimilarity;
    private final Clock clock;

    /** One page of users found. */
    record UserPage(List<SearchStore.UserRow> users, String nextCursor) {}

    /** One page of posts found, each with its snippet. */
    record PostPage(List<PostHit> posts, String nextCursor) {}

    /** A post found and its rendered snippet ({@link Snippets}). */
    record PostHit(SearchStore.PostRow post, String snippet) {}

    Search(
            Jdbi jdbi,
            SearchStore store,
            RateLimiter limiter,
            RankedPaging paging,
            double typoMinSimilarity,
            Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.limiter = limiter;
        this.paging = paging;
        this.typoMinSimilarity = typoMinSimilarity;
        this.clock = clock;
    }

    /**
     * Users by username or display name, best first. When the first page finds nothing, users whose
     * names are similar to the query (a typo) are offered instead, on that one page.
     */
    UserPage users(UUID caller, String text, int limit, String cursor) {
        Violations violations = new Violations();
        SearchQuery query = SearchQuery.parse(text, violations);
        String scope = "SearchUsers|" + caller + "|" + (query == null ? "" : query.text());
        RankedPaging.Query page = paging.read(limit, cursor, scope, violations);
        violations.throwIfAny();
        enforce(caller);

        return jdbi.withHandle(handle -> {
            List<SearchStore.UserRow> rows = store.users(handle, caller, query, page.after(), page.limit() + 1);
            if (rows.isEmpty() && page.after() == null) {
                return new UserPage(store.similarUsers(handle, caller, query, typoMinSimilarity, page.limit()), null);
            }
            Paging.Page<SearchStore.UserRow> found = paging.page(rows, page, scope, SearchStore.UserRow::position);
            return new UserPage(found.items(), found.nextCursor());
        });
    }

    /** Posts by text, best first, newer first on ties; optionally by one author and within a window. */
    PostPage posts(UUID caller, String text, String authorId, TimeWindow window, int limit, String cursor) {
        Violations violations = new Violations();
        SearchQuery query = SearchQuery.parse(text, violations);
        UUID author = authorId == null || authorId.isEmpty() ? null : Ids.parse(authorId, "author_id", violations);
        Duration within = window(window, violations);
        String scope =
                "SearchPosts|" + caller + "|" + (query == null ? "" : query.text()) + "|" + author + "|" + window;
        RankedPaging.Query page = paging.read(limit, cursor, scope, violations);
        violations.throwIfAny();
        enforce(caller);

        Instant since = within == null ? null : clock.instant().minus(within);
        SearchStore.PostSearch search =
                new SearchStore.PostSearch(caller, query, author, since, page.after(), page.limit() + 1);
        List<SearchStore.PostRow> rows = jdbi.withHandle(handle -> store.posts(handle, search));
        Paging.Page<SearchStore.PostRow> found = paging.page(rows, page, scope, SearchStore.PostRow::position);
        return new PostPage(
                found.items().stream()
                        .map(post -> new PostHit(post, Snippets.render(post.text(), post.headline())))
                        .toList(),
                found.nextCursor());
    }

    /** The window's length; null for any time. */
    private static Duration window(TimeWindow window, Violations violations) {
        return switch (window) {
            case TIME_WINDOW_UNSPECIFIED -> null;
            case TIME_WINDOW_HOUR -> Duration.ofHours(1);
            case TIME_WINDOW_DAY -> Duration.ofDays(1);
            case TIME_WINDOW_WEEK -> Duration.ofDays(7);
            case UNRECOGNIZED -> {
                violations.add("window", "must be a known TimeWindow (HOUR, DAY, WEEK) or unspecified");
                yield null;
            }
        };
    }

    private void enforce(UUID caller) {
        RateLimits.enforce(limiter, caller.toString(), SearchErrors.DOMAIN);
    }
}
