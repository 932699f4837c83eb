package social.nova.search;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import social.nova.kit.RankedPaging;

/**
 * The search statements over {@code search.users} and {@code search.posts}. The query is always
 * {@code to_tsquery('search.nova', :tsquery)} with {@link SearchQuery#tsquery()} as the bound text,
 * so the planner folds it to a constant and the GIN indexes on {@code document} answer
 * {@code @@}. Every statement leaves out users who block the caller and their posts.
 */
final class SearchStore {
    private static final String QUERY = "to_tsquery('search.nova', :tsquery)";
    private static final String NOT_BLOCKING_CALLER =
            "NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = %s " + "AND b.blocked_id = :caller AND b.active)";
    private static final String NAMES = "fold(u.username || ' ' || u.display_name)";

    /** A user found; {@code score} is ts_rank_cd (or the word similarity of a typo match). */
    record UserRow(UUID id, String username, String displayName, float score) {
        RankedPaging.Position position() {
            return new RankedPaging.Position(score, Instant.EPOCH, id);
        }
    }

    /** A post found, with its ts_headline (sentinel-marked, see {@link Snippets}). */
    record PostRow(UUID id, UUID authorId, String text, Instant createdAt, float score, String headline) {
        RankedPaging.Position position() {
            return new RankedPaging.Position(score, createdAt, id);
        }
    }

    /** What SearchPosts asks for; {@code author} and {@code since} null for any. */
    record PostSearch(
            UUID caller, SearchQuery query, UUID author, Instant since, RankedPaging.Position after, int limit) {}

    /**
     * Users whose username or display name matches, best first (a username match outranks a
     * display name match: weights A and B), then by id; after {@code after} (null: from the top).
     */
    List<UserRow> users(Handle handle, UUID caller, SearchQuery query, RankedPaging.Position after, int limit) {
        return userQuery(handle, "", caller, query, after, limit)
                .map(SearchStore::userRow)
                .list();
    }

    /** The plan of {@link #users} (EXPLAIN) for a first page. */
    List<String> explainUsers(Handle handle, UUID caller, SearchQuery query, int limit) {
        return userQuery(handle, "EXPLAIN ", caller, query, null, limit)
                .mapTo(String.class)
                .list();
    }

    private static Query userQuery(
            Handle handle, String prefix, UUID caller, SearchQuery query, RankedPaging.Position after, int limit) {
        Query statement = handle.createQuery(prefix
                        + "SELECT id, username, display_name, score FROM ("
                        + "SELECT u.id, u.username, u.display_name, ts_rank_cd(u.document, " + QUERY + ") AS score "
                        + "FROM users u WHERE u.document @@ " + QUERY + " AND " + NOT_BLOCKING_CALLER.formatted("u.id")
                        + ") hits "
                        + (after == null ? "" : "WHERE (score, id) < (:afterScore, :afterId) ")
                        + "ORDER BY score DESC, id DESC LIMIT :limit")
                .bind("tsquery", query.tsquery())
                .bind("caller", caller)
                .bind("limit", limit);
        if (after != null) {
            statement.bind("afterScore", after.score()).bind("afterId", after.id());
        }
        return statement;
    }

    /**
     * The typo fallback: users whose folded "username display name" holds, for every word of the
     * query, an extent similar to it (pg_trgm's word similarity {@code <%} at least
     * {@code minSimilarity}, one condition per word, each answered by the trigram GIN index), most
     * similar on average first. Runs in a transaction of its own: the threshold is a
     * transaction-local setting. The words are bound, never spliced into the statement.
     */
    List<UserRow> similarUsers(Handle handle, UUID caller, SearchQuery query, double minSimilarity, int limit) {
        return handle.inTransaction(tx -> similarQuery(tx, "", caller, query, minSimilarity, limit)
                .map(SearchStore::userRow)
                .list());
    }

    /** The plan of {@link #similarUsers} (EXPLAIN). */
    List<String> explainSimilarUsers(Handle handle, UUID caller, SearchQuery query, double minSimilarity, int limit) {
        return handle.inTransaction(tx -> similarQuery(tx, "EXPLAIN ", caller, query, minSimilarity, limit)
                .mapTo(String.class)
                .list());
    }

    private static Query similarQuery(
            Handle tx, String prefix, UUID caller, SearchQuery query, double minSimilarity, int limit) {
        tx.createQuery("SELECT set_config('pg_trgm.word_similarity_threshold', :threshold, true)")
                .bind("threshold", Double.toString(minSimilarity))
                .mapTo(String.class)
                .one();
        List<String> words = query.words();
        StringBuilder similar = new StringBuilder();
        StringBuilder score = new StringBuilder("(");
        for (int i = 0; i < words.size(); i++) {
            similar.append("fold(:w")
                    .append(i)
                    .append(") OPERATOR(public.<%) ")
                    .append(NAMES)
                    .append(" AND ");
            score.append(i == 0 ? "" : " + ")
                    .append("public.word_similarity(fold(:w")
                    .append(i)
                    .append("), ")
                    .append(NAMES)
                    .append(")");
        }
        score.append(") / ").append(words.size());
        Query statement = tx.createQuery(
                        prefix + "SELECT u.id, u.username, u.display_name, (" + score + ")::real AS score "
                                + "FROM users u WHERE " + similar + NOT_BLOCKING_CALLER.formatted("u.id")
                                + " ORDER BY score DESC, id DESC LIMIT :limit")
                .bind("caller", caller)
                .bind("limit", limit);
        for (int i = 0; i < words.size(); i++) {
            statement.bind("w" + i, words.get(i));
        }
        return statement;
    }

    private static UserRow userRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new UserRow(
                rs.getObject("id", UUID.class),
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getFloat("score"));
    }

    /** Posts matching the search, best first, then newest, then by id. */
    List<PostRow> posts(Handle handle, PostSearch search) {
        return postQuery(handle, "", search)
                .map((rs, ctx) -> new PostRow(
                        rs.getObject("id", UUID.class),
                        rs.getObject("author_id", UUID.class),
                        rs.getString("text"),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getFloat("score"),
                        rs.getString("headline")))
                .list();
    }

    /** The plan of {@link #posts} (EXPLAIN): how a test and an operator see that the GIN index answers. */
    List<String> explainPosts(Handle handle, PostSearch search) {
        return postQuery(handle, "EXPLAIN ", search).mapTo(String.class).list();
    }

    /**
     * The headline is computed in the outer query, for the page's rows only (ts_headline re-parses
     * the text). The inner query sorts and limits; the outer one keeps that order.
     */
    private static Query postQuery(Handle handle, String prefix, PostSearch search) {
        String sql = prefix + "SELECT id, author_id, text, created_at, score, "
                + "ts_headline('search.nova', plain(text), " + QUERY + ", :options) AS headline "
                + "FROM (SELECT id, author_id, text, created_at, score FROM ("
                + "SELECT p.id, p.author_id, p.text, p.created_at, ts_rank_cd(p.document, " + QUERY + ") AS score "
                + "FROM posts p WHERE p.document @@ " + QUERY + " AND " + NOT_BLOCKING_CALLER.formatted("p.author_id")
                + (search.author() == null ? "" : " AND p.author_id = :author")
                + (search.since() == null ? "" : " AND p.created_at >= :since")
                + ") hits "
                + (search.after() == null ? "" : "WHERE (score, created_at, id) < (:afterScore, :afterAt, :afterId) ")
                + "ORDER BY score DESC, created_at DESC, id DESC LIMIT :limit) page "
                + "ORDER BY score DESC, created_at DESC, id DESC";
        Query statement = handle.createQuery(sql)
                .bind("tsquery", search.query().tsquery())
                .bind("options", Snippets.HEADLINE_OPTIONS)
                .bind("caller", search.caller())
                .bind("limit", search.limit());
        if (search.author() != null) {
            statement.bind("author", search.author());
        }
        if (search.since() != null) {
            statement.bind("since", Timestamp.from(search.since()));
        }
        if (search.after() != null) {
            statement
                    .bind("afterScore", search.after().score())
                    .bind("afterAt", Timestamp.from(search.after().at()))
                    .bind("afterId", search.after().id());
        }
        return statement;
    }
}
