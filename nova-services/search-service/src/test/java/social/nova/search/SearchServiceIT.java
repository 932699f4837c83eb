package social.nova.search;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import social.nova.contracts.common.v1.PageRequest;
import social.nova.contracts.common.v1.TimeWindow;
import social.nova.contracts.search.v1.PostHit;
import social.nova.contracts.search.v1.SearchPostsRequest;
import social.nova.contracts.search.v1.SearchPostsResponse;
import social.nova.contracts.search.v1.SearchUsersRequest;
import social.nova.contracts.search.v1.UserHit;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.kit.RunningService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static social.nova.testing.GrpcErrors.failure;
import static social.nova.testing.GrpcErrors.violatedFields;

/**
 * search-service over real gRPC, its index fed by the events auth-, user- and content-service
 * publish (published by {@link Platform} as they would). Every test uses words of its own
 * ({@link #word()}), so tests do not see each other's users and posts.
 */
class SearchServiceIT {
    /**
     * The contract's promise is that results lag their sources by a few seconds at most. How long the read side takes is a measurement, not a test's business: LatencyIT judges the event
     * lag of every post of its load (p99 within 2 s, on 1,000 samples) and ./nova bench reports it. A
     * test asserts the outcome and waits for it up to this bound, which only "never" exceeds: under
     * two split pipelines on two cores the 2-s promise as a timeout failed CI while nothing was wrong.
     */
    private static final Duration SEARCHABLE = Duration.ofSeconds(30);

    private final Platform platform = Platform.shared();

    @Test
    void aUserIsFoundByUsernamePrefixAndByDisplayNameIgnoringAccentsAndCase() {
        String word = word();
        Platform.User user = platform.register("Éloïse " + capitalized(word));
        Platform.User caller = platform.register("Reader " + capitalized(word()));

        awaitUsers(
                caller,
                user.username().substring(0, 12),
                hits -> assertThat(ids(hits)).containsExactly(user.id()));
        UserHit hit = users(caller, "ELOISE " + word.toUpperCase()).getFirst();
        assertThat(hit.getUserId()).isEqualTo(user.id());
        assertThat(hit.getUsername()).isEqualTo(user.username());
        assertThat(hit.getDisplayName()).isEqualTo(user.displayName());
        assertThat(hit.getScore()).isPositive();
        assertThat(ids(users(caller, "éLOÏs " + word.substring(0, 4)))).containsExactly(user.id());
        assertThat(users(caller, "eloise " + word())).isEmpty();
    }

    @Test
    void aNewDisplayNameIsFoundAndTheOldOneNoLonger() {
        String before = word();
        String after = word();
        Platform.User user = platform.register("Before " + before);
        awaitUsers(user, before, hits -> assertThat(ids(hits)).containsExactly(user.id()));

        platform.changeDisplayName(user, "After " + after);
        awaitUsers(user, after, hits -> assertThat(ids(hits)).containsExactly(user.id()));
        // The old name no longer finds the user. (Other users may still come up: with no exact match
        // the search falls back to the nearest names by trigrams, and every test word starts "zq".)
        assertThat(ids(users(user, before))).doesNotContain(user.id());
        assertThat(users(user, after).getFirst().getDisplayName()).isEqualTo("After " + after);
    }

    @Test
    void aUsernameMatchRanksAboveADisplayNameMatch() {
        Platform.User byName = platform.register("Somebody " + word());
        Platform.User byDisplayName = platform.register("Fan of " + byName.username());
        awaitUsers(
                byName,
                byName.username(),
                hits -> assertThat(ids(hits)).containsExactly(byName.id(), byDisplayName.id()));
    }

    @Test
    void aTypoFindsTheNearestNamesWhenNothingMatchesExactly() {
        String word = word();
        Platform.User alice = platform.register("Alice " + word);
        awaitUsers(alice, word, hits -> assertThat(ids(hits)).containsExactly(alice.id()));
        String typo = word.substring(0, 4) + (word.charAt(4) == 'q' ? 'r' : 'q') + word.substring(5);

        assertThat(ids(users(alice, typo))).containsExactly(alice.id());
        assertThat(ids(users(alice, "alise"))).contains(alice.id());
        assertThat(ids(users(alice, "alise " + typo))).containsExactly(alice.id());
        // Every word must be near a name: one close word is not enough.
        assertThat(users(alice, "alice " + word())).isEmpty();
    }

    @Test
    void aPostIsFoundByAccentlessWordsAndPrefixWithItsMatchesMarked() {
        String word = word();
        Platform.User author = platform.register("Cook " + capitalized(word));
        String postId = post(author, "Crème brûlée recipe: <caramelise> & serve " + word);

        List<PostHit> hits = awaitPosts(
                author,
                SearchPostsRequest.newBuilder().setQuery("creme brul").setAuthorId(author.id()),
                found -> assertThat(postIds(found)).containsExactly(postId));
        PostHit hit = hits.getFirst();
        assertThat(hit.getSnippet())
                .isEqualTo(
                        "<mark>Crème</mark> <mark>brûlée</mark> recipe: &lt;caramelise&gt; " + "&amp; serve " + word);
        assertThat(hit.getAuthorId()).isEqualTo(author.id());
        assertThat(hit.getScore()).isPositive();
        assertThat(hit.getCreatedAt().getSeconds())
                .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));

        assertThat(postIds(posts(author, SearchPostsRequest.newBuilder().setQuery(word + " CRÈME brûlée RE"))))
                .containsExactly(postId);
        assertThat(posts(author, SearchPostsRequest.newBuilder().setQuery(word + " brulee pie")))
                .isEmpty();
    }

    @Test
    void snippetsOfLongPostsAreShortExcerptsAroundTheMatch() {
        String word = word();
        Platform.User author = platform.register("Writer " + word);
        String text = "lorem ipsum dolor sit amet ".repeat(6) + "the " + word + " & <friends> "
                + "consectetur adipiscing elit sed do ".repeat(6);
        String postId = post(author, text.strip());
        PostHit hit = awaitPosts(
                        author,
                        SearchPostsRequest.newBuilder().setQuery(word),
                        found -> assertThat(postIds(found)).containsExactly(postId))
                .getFirst();
        assertThat(hit.getSnippet().length()).isLessThanOrEqualTo(200);
        assertThat(hit.getSnippet())
                .startsWith("…")
                .endsWith("…")
                .contains("<mark>" + word + "</mark> &amp; &lt;friends&gt;");
    }

    @Test
    void theAuthorFilterAndTheTimeWindowNarrowTheResults() {
        String word = word();
        Platform.User one = platform.register("One " + capitalized(word()));
        Platform.User other = platform.register("Other " + capitalized(word()));
        String mine = post(one, "window " + word);
        String theirs = post(other, "window " + word);
        awaitPosts(
                one,
                SearchPostsRequest.newBuilder().setQuery(word),
                found -> assertThat(postIds(found)).containsExactlyInAnyOrder(mine, theirs));

        assertThat(postIds(posts(
                        one, SearchPostsRequest.newBuilder().setQuery(word).setAuthorId(other.id()))))
                .containsExactly(theirs);
        assertThat(posts(
                        one,
                        SearchPostsRequest.newBuilder()
                                .setQuery(word)
                                .setAuthorId(UUID.randomUUID().toString())))
                .isEmpty();

        // An old post, as if its PostCreated had been handled days ago.
        String old = UUID.randomUUID().toString();
        jdbi().useHandle(handle -> handle.createUpdate("INSERT INTO search.posts (id, author_id, text, created_at) "
                        + "VALUES (:id, :author, :text, :at)")
                .bind("id", UUID.fromString(old))
                .bind("author", UUID.fromString(one.id()))
                .bind("text", "window " + word)
                .bind("at", Timestamp.from(Instant.now().minus(Duration.ofDays(3))))
                .execute());

        assertThat(postIds(posts(one, SearchPostsRequest.newBuilder().setQuery(word))))
                .containsExactlyInAnyOrder(mine, theirs, old);
        assertThat(postIds(posts(
                        one, SearchPostsRequest.newBuilder().setQuery(word).setWindow(TimeWindow.TIME_WINDOW_WEEK))))
                .containsExactlyInAnyOrder(mine, theirs, old);
        assertThat(postIds(posts(
                        one, SearchPostsRequest.newBuilder().setQuery(word).setWindow(TimeWindow.TIME_WINDOW_DAY))))
                .containsExactlyInAnyOrder(mine, theirs);
        assertThat(postIds(posts(
                        one,
                        SearchPostsRequest.newBuilder()
                                .setQuery(word)
                                .setWindow(TimeWindow.TIME_WINDOW_HOUR)
                                .setAuthorId(one.id()))))
                .containsExactly(mine);
    }

    @Test
    void betterMatchesComeFirstAndNewerPostsWinTies() throws Exception {
        String word = word();
        Platform.User author = platform.register("Ranker " + word);
        String once = post(author, word + " appears once here");
        Thread.sleep(5);
        String often = post(author, word + " " + word + " and again " + word);
        Thread.sleep(5);
        String onceLater = post(author, word + " appears once here");
        awaitPosts(
                author,
                SearchPostsRequest.newBuilder().setQuery(word),
                found -> assertThat(postIds(found)).containsExactly(often, onceLater, once));
        List<PostHit> hits = posts(author, SearchPostsRequest.newBuilder().setQuery(word));
        assertThat(hits.get(0).getScore()).isGreaterThan(hits.get(1).getScore());
        assertThat(hits.get(1).getScore()).isEqualTo(hits.get(2).getScore());
    }

    @Test
    void whoBlocksTheCallerAndTheirPostsVanishForTheCallerUntilUnblocked() {
        String word = word();
        Platform.User blocker = platform.register("Blocker " + word);
        Platform.User caller = platform.register("Caller " + capitalized(word()));
        Platform.User bystander = platform.register("Bystander " + capitalized(word()));
        String postId = post(blocker, "blocked words " + word);
        awaitPosts(
                caller,
                SearchPostsRequest.newBuilder().setQuery(word),
                found -> assertThat(postIds(found)).containsExactly(postId));
        assertThat(ids(users(caller, word))).containsExactly(blocker.id());

        platform.block(blocker, caller);
        awaitUsers(caller, word, hits -> assertThat(hits).isEmpty());
        assertThat(posts(caller, SearchPostsRequest.newBuilder().setQuery(word)))
                .isEmpty();
        assertThat(ids(users(bystander, word))).containsExactly(blocker.id());
        assertThat(postIds(posts(bystander, SearchPostsRequest.newBuilder().setQuery(word))))
                .containsExactly(postId);
        // The blocker still finds the one they block: only who blocks the caller is left out.
        assertThat(ids(users(blocker, "caller"))).contains(caller.id());

        platform.unblock(blocker, caller);
        awaitUsers(caller, word, hits -> assertThat(ids(hits)).containsExactly(blocker.id()));
        assertThat(postIds(posts(caller, SearchPostsRequest.newBuilder().setQuery(word))))
                .containsExactly(postId);
    }

    @Test
    void aDeletedPostDisappears() {
        String word = word();
        Platform.User author = platform.register("Deleter " + word);
        String kept = post(author, "kept " + word);
        String deleted = post(author, "deleted " + word);
        awaitPosts(
                author,
                SearchPostsRequest.newBuilder().setQuery(word),
                found -> assertThat(postIds(found)).containsExactlyInAnyOrder(kept, deleted));

        platform.deletePost(author, deleted);
        awaitPosts(
                author,
                SearchPostsRequest.newBuilder().setQuery(word),
                found -> assertThat(postIds(found)).containsExactly(kept));
    }

    @Test
    void pagesFollowEachOtherWithoutRepeatsAndCursorsBelongToOneQueryAndCaller() {
        String word = word();
        Platform.User author = platform.register("Pager " + word);
        Platform.User other = platform.register("Other pager " + capitalized(word()));
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            created.add(post(author, "page " + word + " number " + i));
        }
        awaitPosts(
                author,
                SearchPostsRequest.newBuilder().setQuery(word),
                found -> assertThat(found).hasSize(5));

        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = "";
        do {
            SearchPostsResponse page = platform.searchAs(author)
                    .searchPosts(SearchPostsRequest.newBuilder()
                            .setQuery(word)
                            .setPage(PageRequest.newBuilder().setLimit(2).setCursor(cursor))
                            .build());
            sizes.add(page.getHitsCount());
            seen.addAll(postIds(page.getHitsList()));
            cursor = page.getPage().getNextCursor();
            if (sizes.size() == 1) {
                String first = cursor;
                assertThat(violatedFields(() -> platform.searchAs(author)
                                .searchPosts(SearchPostsRequest.newBuilder()
                                        .setQuery(word + " page")
                                        .setPage(PageRequest.newBuilder()
                                                .setLimit(2)
                                                .setCursor(first))
                                        .build())))
                        .containsExactly("page.cursor");
                assertThat(violatedFields(() -> platform.searchAs(other)
                                .searchPosts(SearchPostsRequest.newBuilder()
                                        .setQuery(word)
                                        .setPage(PageRequest.newBuilder()
                                                .setLimit(2)
                                                .setCursor(first))
                                        .build())))
                        .containsExactly("page.cursor");
                assertThat(violatedFields(() -> platform.searchAs(author)
                                .searchUsers(SearchUsersRequest.newBuilder()
                                        .setQuery(word)
                                        .setPage(PageRequest.newBuilder().setCursor(first))
                                        .build())))
                        .containsExactly("page.cursor");
            }
        } while (!cursor.isEmpty());
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void usersArePagedToo() {
        String word = word();
        Platform.User caller = platform.register("Many " + word);
        for (int i = 0; i < 2; i++) {
            platform.register("Many " + word);
        }
        awaitUsers(caller, word, hits -> assertThat(hits).hasSize(3));
        var first = platform.searchAs(caller)
                .searchUsers(SearchUsersRequest.newBuilder()
                        .setQuery(word)
                        .setPage(PageRequest.newBuilder().setLimit(2))
                        .build());
        var second = platform.searchAs(caller)
                .searchUsers(SearchUsersRequest.newBuilder()
                        .setQuery(word)
                        .setPage(PageRequest.newBuilder()
                                .setLimit(2)
                                .setCursor(first.getPage().getNextCursor()))
                        .build());
        assertThat(first.getHitsCount()).isEqualTo(2);
        assertThat(second.getHitsCount()).isEqualTo(1);
        assertThat(second.getPage().getNextCursor()).isEmpty();
        List<String> all = new ArrayList<>(ids(first.getHitsList()));
        all.addAll(ids(second.getHitsList()));
        assertThat(all).doesNotHaveDuplicates().hasSize(3);
    }

    @Test
    void badQueriesAuthorsPagesAndWindowsAreFieldViolations() {
        Platform.User caller = platform.register("Validator " + word());
        var search = platform.searchAs(caller);
        for (String query : List.of("", "   ", "x".repeat(101), "&&&|||", "!():*'\\")) {
            assertThat(violatedFields(() -> search.searchUsers(
                            SearchUsersRequest.newBuilder().setQuery(query).build())))
                    .as(query)
                    .containsExactly("query");
            assertThat(violatedFields(() -> search.searchPosts(
                            SearchPostsRequest.newBuilder().setQuery(query).build())))
                    .as(query)
                    .containsExactly("query");
        }
        assertThat(search.searchPosts(SearchPostsRequest.newBuilder()
                                .setQuery("  " + "x".repeat(100) + " ")
                                .build())
                        .getHitsList())
                .isEmpty();
        assertThat(violatedFields(() -> search.searchPosts(SearchPostsRequest.newBuilder()
                        .setQuery("x")
                        .setAuthorId("nope")
                        .build())))
                .containsExactly("author_id");
        assertThat(violatedFields(() -> search.searchPosts(SearchPostsRequest.newBuilder()
                        .setQuery("x")
                        .setWindowValue(42)
                        .build())))
                .containsExactly("window");
        assertThat(violatedFields(() -> search.searchUsers(SearchUsersRequest.newBuilder()
                        .setQuery("x")
                        .setPage(PageRequest.newBuilder().setLimit(101))
                        .build())))
                .containsExactly("page.limit");
        assertThat(violatedFields(() -> search.searchUsers(SearchUsersRequest.newBuilder()
                        .setQuery("x")
                        .setPage(PageRequest.newBuilder().setCursor("not-a-cursor"))
                        .build())))
                .containsExactly("page.cursor");
        assertThat(violatedFields(() -> search.searchPosts(SearchPostsRequest.newBuilder()
                        .setQuery("&&")
                        .setAuthorId("nope")
                        .build())))
                .containsExactlyInAnyOrder("query", "author_id");
    }

    @Test
    void withoutAnAccessTokenNothingIsSearched() {
        NovaException error = failure(() -> platform.searchAnonymously()
                .searchUsers(SearchUsersRequest.newBuilder().setQuery("anyone").build()));
        assertThat(error.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(failure(() -> platform.searchAnonymously()
                                .searchPosts(SearchPostsRequest.newBuilder()
                                        .setQuery("anything")
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void searchingTooFastIsRateLimitedPerCaller() throws Exception {
        // A search-service of its own with a limit of 3 (and consumer groups of its own).
        try (RunningService limited = Platform.startSearch(Map.of(
                "search.limits.search.limit",
                "3",
                "search.events.users.stream",
                "nova.events.user",
                "search.events.users.group",
                "search-service-limited",
                "search.events.posts.stream",
                "nova.events.post",
                "search.events.posts.group",
                "search-service-limited"))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", limited.port())
                    .usePlaintext()
                    .build();
            try {
                Platform.User caller = platform.register("Hasty " + word());
                var search = Platform.searchAs(channel, caller);
                search.searchUsers(SearchUsersRequest.newBuilder().setQuery("a").build());
                search.searchPosts(SearchPostsRequest.newBuilder().setQuery("b").build());
                search.searchUsers(SearchUsersRequest.newBuilder().setQuery("c").build());
                NovaException limitedError = failure(() -> search.searchPosts(
                        SearchPostsRequest.newBuilder().setQuery("d").build()));
                assertThat(limitedError.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
                assertThat(limitedError.reason()).contains("RATE_LIMITED");
                assertThat(limitedError.domain()).contains("search.nova.social");
                assertThat(limitedError.retryAfter())
                        .hasValueSatisfying(wait -> assertThat(wait).isPositive());

                Platform.User someoneElse = platform.register("Patient " + word());
                assertThat(Platform.searchAs(channel, someoneElse)
                                .searchUsers(SearchUsersRequest.newBuilder()
                                        .setQuery("e")
                                        .build()))
                        .isNotNull();
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void bothSubscriptionsReportTheirLagAsMetrics() throws Exception {
        Platform.User user = platform.register("Metered " + word());
        post(user, "metered " + word());
        HttpClient http = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + platform.search.port());
        await().atMost(SEARCHABLE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            String metrics = http.send(
                            HttpRequest.newBuilder(base.resolve("/observe/metrics"))
                                    .header("Accept", "text/plain")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String stream : List.of("nova.events.user", "nova.events.post")) {
                assertThat(metrics)
                        .containsPattern("nova_events_lag_seconds_count\\{[^}]*group=\"search-service\""
                                + "[^}]*stream=\"" + stream.replace(".", "\\.") + "\"[^}]*} [1-9]");
            }
        });
    }

    @Test
    void theSearchStatementsUseTheGinIndexes() {
        // Enough rows of their own that the planner prefers the index, as it would in production.
        Random random = new Random(42);
        List<String> vocabulary = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            vocabulary.add(word(random));
        }
        UUID caller = UUID.randomUUID();
        jdbi().useTransaction(handle -> {
            var batch = handle.prepareBatch("INSERT INTO search.posts (id, author_id, text, created_at) "
                    + "VALUES (:id, :author, :text, now() - make_interval(secs => :age))");
            for (int i = 0; i < 5000; i++) {
                StringBuilder text = new StringBuilder();
                for (int w = 0; w < 12; w++) {
                    text.append(vocabulary.get(random.nextInt(vocabulary.size())))
                            .append(' ');
                }
                batch.bind("id", UUID.randomUUID())
                        .bind("author", UUID.randomUUID())
                        .bind("text", text.toString().strip())
                        .bind("age", (double) random.nextInt(1_000_000))
                        .add();
            }
            batch.execute();
            var users = handle.prepareBatch("INSERT INTO search.users (id, username, display_name, updated_at) "
                    + "VALUES (:id, :username, :name, now())");
            for (int i = 0; i < 5000; i++) {
                users.bind("id", UUID.randomUUID())
                        .bind("username", "u_" + vocabulary.get(i % vocabulary.size()) + i)
                        .bind(
                                "name",
                                vocabulary.get(random.nextInt(vocabulary.size())) + " "
                                        + vocabulary.get(random.nextInt(vocabulary.size())))
                        .add();
            }
            users.execute();
        });
        // What autovacuum does in production: the new rows leave the GIN pending lists, statistics are fresh.
        jdbi().useHandle(handle -> {
            handle.execute("VACUUM ANALYZE search.posts");
            handle.execute("VACUUM ANALYZE search.users");
        });

        String rare = vocabulary.get(7);
        SearchQuery query = new SearchQuery(List.of(rare.substring(0, 6)));
        SearchStore store = new SearchStore();
        List<String> postPlan = jdbi().withHandle(handle -> {
            handle.execute("SET search_path = search");
            return store.explainPosts(handle, new SearchStore.PostSearch(caller, query, null, null, null, 21));
        });
        assertThat(String.join("\n", postPlan)).contains("Bitmap Index Scan on posts_document_idx");
        List<String> userPlan = jdbi().withHandle(handle -> {
            handle.execute("SET search_path = search");
            return store.explainUsers(handle, caller, query, 21);
        });
        List<String> typoPlan = jdbi().withHandle(handle -> {
            handle.execute("SET search_path = search");
            return store.explainSimilarUsers(
                    handle, caller, new SearchQuery(List.of(rare.substring(0, 9) + "x")), 0.4, 20);
        });
        assertThat(String.join("\n", typoPlan)).contains("Bitmap Index Scan on users_names_trgm_idx");
        assertThat(String.join("\n", userPlan)).contains("Bitmap Index Scan on users_document_idx");
    }

    @Test
    void aDatabaseThatIsNotUtf8IsRefusedAtStartRatherThanSearchedWrongly() {
        Platform.admin().useHandle(handle -> {
            if (handle.createQuery("SELECT count(*) FROM pg_database WHERE datname = 'nova_search_ascii'")
                            .mapTo(Integer.class)
                            .one()
                    == 0) {
                handle.execute("CREATE DATABASE nova_search_ascii ENCODING 'SQL_ASCII' LOCALE 'C' TEMPLATE template0");
            }
        });
        assertThatThrownBy(() -> Platform.startSearch(Map.of("db.url", Platform.jdbcUrl("nova_search_ascii")))
                        .stop())
                .hasStackTraceContaining("search-service needs a UTF8 database, this one is SQL_ASCII");
    }

    // --- helpers

    private static Jdbi jdbi() {
        return Platform.admin();
    }

    private String post(Platform.User author, String text) {
        return platform.post(author, text);
    }

    private List<UserHit> users(Platform.User caller, String query) {
        return platform.searchAs(caller)
                .searchUsers(SearchUsersRequest.newBuilder().setQuery(query).build())
                .getHitsList();
    }

    private List<PostHit> posts(Platform.User caller, SearchPostsRequest.Builder request) {
        return platform.searchAs(caller).searchPosts(request.build()).getHitsList();
    }

    private List<UserHit> awaitUsers(
            Platform.User caller, String query, java.util.function.Consumer<List<UserHit>> check) {
        return awaitUntil(() -> users(caller, query), check);
    }

    private List<PostHit> awaitPosts(
            Platform.User caller,
            SearchPostsRequest.Builder request,
            java.util.function.Consumer<List<PostHit>> check) {
        return awaitUntil(() -> posts(caller, request), check);
    }

    /** The answer once it passes {@code check}, within {@link #SEARCHABLE}. */
    private static <T> T awaitUntil(Supplier<T> call, java.util.function.Consumer<T> check) {
        List<T> last = new ArrayList<>(1);
        await().atMost(SEARCHABLE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            T answer = call.get();
            check.accept(answer);
            last.clear();
            last.add(answer);
        });
        return last.getFirst();
    }

    private static List<String> ids(List<UserHit> hits) {
        return hits.stream().map(UserHit::getUserId).toList();
    }

    private static List<String> postIds(List<PostHit> hits) {
        return hits.stream().map(PostHit::getPostId).toList();
    }

    /** A word no other test uses: letters only, so it is one lexeme. */
    private static String word() {
        return word(ThreadLocalRandom.current());
    }

    private static String word(Random random) {
        StringBuilder word = new StringBuilder("zq");
        for (int i = 0; i < 8; i++) {
            word.append((char) ('a' + random.nextInt(26)));
        }
        return word.toString();
    }

    private static String capitalized(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
