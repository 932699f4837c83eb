package social.nova.harness.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import social.nova.harness.cli.GatewayConnection.Answer;
import social.nova.harness.latency.EdgeLatency;
import social.nova.harness.latency.LatencySummary;
import social.nova.harness.latency.RpcEdgeLatencies;
import social.nova.harness.report.ReportParts;

import static social.nova.harness.cli.GatewayConnection.expect;
import static social.nova.harness.cli.GatewayConnection.field;

/**
 * {@code ./nova bench}: what the issue of 2026-12-01 measured, against a running {@code ./nova up}
 * stack whose gateway rate limit {@code ./nova bench} lifted for the run. Every figure comes with a
 * baseline measured in the same run, and the figures are printed side by side and saved for the
 * report. A benchmark, not a test: it judges figures against targets but fails nothing. Nothing
 * is measured before every path is warm: 10 s of each HTTP load and 600 rounds of the mix first.
 *
 * <ul>
 *   <li>sequential requests on one HTTP/1.1 keep-alive connection: a trivial route
 *       ({@code /observe/health/live}) and {@code GET /api/v1/users/me} (baseline: the trivial route
 *       on a new connection per request, which no write-coalescing stall can touch);</li>
 *   <li>{@code GET /api/v1/users/me} from 8 keep-alive connections for 10 s, after 10 s of the
 *       same load not counted, req/s (baseline: the trivial route the same way);</li>
 *   <li>the warm p50/p99 of each gRPC edge, from the callers' exact record
 *       ({@code /observe/rpc-latency}) over a sequential mix of the routes that reach them, after
 *       {@value #MIX_WARMUP_ROUNDS} rounds of the mix not counted (baseline: the trivial route, and a
 *       one-row INSERT committed from this machine, the floor under every write edge);</li>
 *   <li>{@code GET /api/v1/feed} (a first page of 20 of the user's 500 newest posts, ranked and
 *       snapshotted) from 8 keep-alive connections for 10 s after 10 s not counted, warm p50
 *       (baseline: {@code GET /api/v1/users/me} the same way);</li>
 *   <li>fan-out: the time from sending {@code POST /api/v1/posts} until the post is in all 1,000
 *       followers' timelines ({@code feed.timeline}), {@value #FANOUT_POSTS} posts one after another;
 *       the followers are given to feed-service as {@code UserFollowed} events on
 *       {@code nova.events.user}, as user-service publishes them (baseline: the same post in its
 *       author's own timeline, the event pipeline without the fan-out).</li>
 * </ul>
 */
final class Benchmark {
    private static final String TRIVIAL = "/observe/health/live";
    private static final String ME = "/api/v1/users/me";
    private static final int WARMUP = 500;
    private static final int SEQUENTIAL = 3_000;
    private static final int CONNECTIONS = 8;
    private static final Duration THROUGHPUT_FOR = Duration.ofSeconds(10);
    /**
     * Load not counted before the figures (and before the throughput figure again): the services'
     * JIT compilers must have finished with the hot path, or a figure measures C2 (seen: 22 % of
     * the gateway's CPU in the first 20 s after a restart).
     */
    private static final Duration THROUGHPUT_WARMUP = Duration.ofSeconds(10);

    private static final int MIX_WARMUP_ROUNDS = 600;
    private static final int MIX_ROUNDS = 1_200;

    private static final String FEED = "/api/v1/feed?limit=20";
    /**
     * How long the mix joins one of the peer's streams: without video, streaming-service ends a
     * stream after its start timeout (2 min in {@code ./nova up}), so the mix starts a new one every
     * minute, whatever the machine's speed (the peer may start 10 in 10 minutes).
     */
    private static final Duration STREAM_RENEWAL = Duration.ofMinutes(1);

    private static final int FOLLOWERS = 1_000;
    private static final int FANOUT_POSTS = 10;

    /** Committed inserts the PostgreSQL baseline times. */
    private static final int COMMITS = 500;

    private static final String COMMIT_TABLE = "nova_bench_commit";

    private final URI gateway;
    private final Map<String, List<URI>> rpcLatencyEndpoints;
    private final Database database;
    private final URI redisUri;
    private final RealtimeBenchmark realtime;

    /** The stack's PostgreSQL as this machine reaches it (the superuser), for the write edges' baseline. */
    record Database(String jdbcUrl, String user, String password) {}

    Benchmark(
            URI gateway,
            Map<String, List<URI>> rpcLatencyEndpoints,
            Database database,
            URI redis,
            RealtimeBenchmark realtime) {
        this.gateway = gateway;
        this.rpcLatencyEndpoints = rpcLatencyEndpoints;
        this.database = database;
        this.redisUri = redis;
        this.realtime = realtime;
    }

    /** Every figure; {@code withRealtime} false leaves out the WebSocket ones ({@code ./nova bench core}). */
    ReportParts.Benchmark run(String gitCommit, boolean withRealtime) {
        BenchUser user = BenchUser.signUp(gateway, "bench");
        String userId = user.userId();
        String token = user.accessToken();
        String[] refresh = {user.refreshToken()};
        Peer peer = Peer.of(gateway, user);

        // Every path warm before anything is measured: ./nova bench has just restarted containers,
        // and a figure taken while C2 still compiles the hot path measures the compiler.
        load(TRIVIAL, null, THROUGHPUT_WARMUP);
        load(ME, token, THROUGHPUT_WARMUP);
        mix(user, peer, refresh, MIX_WARMUP_ROUNDS);

        List<ReportParts.BenchmarkRow> rows = new ArrayList<>();
        LatencySummary fresh = sequential(TRIVIAL, null, false);
        LatencySummary trivial = sequential(TRIVIAL, null, true);
        LatencySummary me = sequential(ME, token, true);
        String baseline = String.format(
                Locale.ROOT,
                "trivial route, new connection per request: p50 %.2f ms, p99 %.2f ms",
                fresh.p50(),
                fresh.p99());
        rows.add(row("trivial route, keep-alive sequential, p50", trivial.p50(), "<= 1 ms", 1, baseline));
        rows.add(row(
                "trivial route, keep-alive sequential, p99", trivial.p99(), "(no target)", Double.MAX_VALUE, baseline));
        rows.add(row("GET /api/v1/users/me, keep-alive sequential, p50", me.p50(), "<= 3 ms", 3, baseline));
        rows.add(row("GET /api/v1/users/me, keep-alive sequential, p99", me.p99(), "<= 15 ms", 15, baseline));

        double trivialRate = throughput(TRIVIAL, null);
        double meRate = throughput(ME, token);
        rows.add(new ReportParts.BenchmarkRow(
                "GET /api/v1/users/me, " + CONNECTIONS + " keep-alive connections",
                String.format(Locale.ROOT, "%.0f req/s", meRate),
                ">= 1,500 req/s",
                meRate >= 1_500,
                String.format(Locale.ROOT, "trivial route, %d connections: %.0f req/s", CONNECTIONS, trivialRate)));

        HttpClient http = HttpClient.newHttpClient();
        var before = RpcEdgeLatencies.scrape(rpcLatencyEndpoints, http, Duration.ofSeconds(10));
        mix(user, peer, refresh, MIX_ROUNDS);
        var after = RpcEdgeLatencies.scrape(rpcLatencyEndpoints, http, Duration.ofSeconds(10));
        LatencySummary commit = commits();
        for (EdgeLatency edge : RpcEdgeLatencies.between(before, after)) {
            if (edge.count() < MIX_ROUNDS / 2) {
                // A background call that happened to fall in the window (a key refresh): not an edge the mix drives.
                continue;
            }
            rows.add(row(
                    String.format(
                            Locale.ROOT,
                            "gRPC %s -> %s %s, warm p50 (%d calls)",
                            edge.from(),
                            edge.to(),
                            edge.operation(),
                            edge.count()),
                    edge.p50(),
                    "<= 2 ms",
                    2,
                    String.format(
                            Locale.ROOT,
                            "p99 %.2f ms; trivial HTTP route keep-alive p50 %.2f ms; one-row INSERT committed p50 %.2f ms",
                            edge.p99(),
                            trivial.p50(),
                            commit.p50())));
        }

        LatencySummary feed = concurrentLatency(FEED, token);
        LatencySummary meConcurrent = concurrentLatency(ME, token);
        rows.add(row(
                "GET /api/v1/feed (first page of 20), " + CONNECTIONS + " keep-alive connections, warm p50",
                feed.p50(),
                "<= 5 ms",
                5,
                String.format(
                        Locale.ROOT,
                        "p99 %.2f ms; GET /api/v1/users/me the same way: p50 %.2f ms, p99 %.2f ms",
                        feed.p99(),
                        meConcurrent.p50(),
                        meConcurrent.p99())));
        FanOut fanOut = fanOut(userId, token);
        rows.add(row(
                String.format(
                        Locale.ROOT,
                        "post -> %,d followers' timelines, p50 of %d posts (from sending the POST)",
                        FOLLOWERS,
                        FANOUT_POSTS),
                fanOut.toAll().p50(),
                "<= 2,000 ms",
                2_000,
                String.format(
                        Locale.ROOT,
                        "max %.0f ms; the same posts in the author's own timeline: p50 %.0f ms, max %.0f ms",
                        fanOut.toAll().max(),
                        fanOut.toAuthor().p50(),
                        fanOut.toAuthor().max())));
        if (withRealtime) {
            rows.addAll(realtime.delivery());
        }
        return new ReportParts.Benchmark(Instant.now().toString(), gitCommit, rows);
    }

    /** How long posts took to reach the author's own timeline and all their followers'. */
    private record FanOut(LatencySummary toAuthor, LatencySummary toAll) {}

    /**
     * {@value #FOLLOWERS} followers for the user, as {@code UserFollowed} events on the stream
     * user-service publishes to (feed-service cannot tell them from real ones), then
     * {@value #FANOUT_POSTS} posts, each timed until it is in every timeline.
     */
    private FanOut fanOut(String userId, String token) {
        try (RedisClient client = RedisClient.create(redisUri.getHost(), redisUri.getPort());
                java.sql.Connection db =
                        DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password())) {
            for (int i = 0; i < FOLLOWERS; i++) {
                String follower = UUID.randomUUID().toString();
                client.xadd(
                        "nova.events.user",
                        StreamEntryID.NEW_ENTRY,
                        Map.of(
                                "event-id",
                                UUID.randomUUID().toString(),
                                "event-type",
                                "UserFollowed",
                                "aggregate-type",
                                "user",
                                "aggregate-id",
                                follower,
                                "payload",
                                "{\"followerId\":\"" + follower + "\",\"followeeId\":\"" + userId
                                        + "\",\"followedAt\":\"" + Instant.now() + "\"}",
                                "created-at",
                                Instant.now().toString()));
            }
            awaitCount(
                    db,
                    "SELECT coalesce(max(followers), 0) FROM feed.follower_counts WHERE user_id = ?::uuid",
                    userId,
                    FOLLOWERS,
                    Duration.ofSeconds(120));
            Histogram toAuthor = new Histogram(3);
            Histogram toAll = new Histogram(3);
            GatewayConnection connection = new GatewayConnection(gateway);
            for (int i = 0; i < FANOUT_POSTS; i++) {
                long started = System.nanoTime();
                String post = field(
                        expect(
                                201,
                                connection.send("POST", "/api/v1/posts", token, "{\"text\":\"fan-out " + i + "\"}")),
                        "id");
                String rows = "SELECT count(*) FROM feed.timeline WHERE post_id = ?::uuid";
                awaitCount(db, rows, post, 1, Duration.ofSeconds(30));
                toAuthor.recordValue(Math.max(1, (System.nanoTime() - started) / 1_000));
                awaitCount(db, rows, post, FOLLOWERS + 1, Duration.ofSeconds(30));
                toAll.recordValue(Math.max(1, (System.nanoTime() - started) / 1_000));
            }
            connection.close();
            return new FanOut(LatencySummary.ofMicros(toAuthor), LatencySummary.ofMicros(toAll));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read feed-service's timelines: " + e.getMessage(), e);
        }
    }

    /** Polls {@code query} (one id parameter, one number) every 2 ms until it reaches {@code at least}. */
    private static void awaitCount(java.sql.Connection db, String query, String id, long atLeast, Duration within)
            throws SQLException {
        long deadline = System.nanoTime() + within.toNanos();
        try (PreparedStatement select = db.prepareStatement(query)) {
            select.setString(1, id);
            while (true) {
                try (ResultSet result = select.executeQuery()) {
                    result.next();
                    if (result.getLong(1) >= atLeast) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "'" + query + "' for " + id + " did not reach " + atLeast + " in " + within);
                }
                sleep(Duration.ofMillis(2));
            }
        }
    }

    /**
     * The latency of requests from {@value #CONNECTIONS} keep-alive connections, each sending as
     * soon as answered, for {@link #THROUGHPUT_FOR} after the same load for
     * {@link #THROUGHPUT_WARMUP}, not counted.
     */
    private LatencySummary concurrentLatency(String path, String token) {
        load(path, token, THROUGHPUT_WARMUP);
        Histogram micros = new Histogram(3);
        long end = System.nanoTime() + THROUGHPUT_FOR.toNanos();
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < CONNECTIONS; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                GatewayConnection connection = new GatewayConnection(gateway);
                Histogram own = new Histogram(3);
                try {
                    while (System.nanoTime() < end) {
                        long started = System.nanoTime();
                        expect(200, connection.send("GET", path, token, null));
                        own.recordValue(Math.max(1, (System.nanoTime() - started) / 1_000));
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                } finally {
                    connection.close();
                }
                synchronized (micros) {
                    micros.add(own);
                }
            }));
        }
        threads.forEach(Benchmark::join);
        if (!failures.isEmpty()) {
            // A figure of the requests that did not fail would hide the failure: the run fails.
            throw new IllegalStateException(
                    failures.size() + " of " + CONNECTIONS + " connections failed on " + path + "; the first: "
                            + failures.getFirst().getMessage(),
                    failures.getFirst());
        }
        return LatencySummary.ofMicros(micros);
    }

    /**
     * The floor under every write edge, in the same run: {@value #COMMITS} one-row inserts, each
     * committed on its own (one round trip and PostgreSQL's WAL flush), from this machine into a
     * scratch table that is dropped afterwards.
     */
    private LatencySummary commits() {
        Histogram micros = new Histogram(3);
        try (java.sql.Connection connection =
                        DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
                Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE TABLE IF NOT EXISTS " + COMMIT_TABLE
                    + " (id bigserial PRIMARY KEY, at timestamptz NOT NULL)");
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO " + COMMIT_TABLE + " (at) VALUES (now())")) {
                for (int i = 0; i < WARMUP / 5 + COMMITS; i++) {
                    long started = System.nanoTime();
                    insert.executeUpdate();
                    if (i >= WARMUP / 5) {
                        micros.recordValue(Math.max(1, (System.nanoTime() - started) / 1_000));
                    }
                }
            } finally {
                ddl.execute("DROP TABLE " + COMMIT_TABLE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot time commits on " + database.jdbcUrl() + ": " + e.getMessage(), e);
        }
        return LatencySummary.ofMicros(micros);
    }

    private static ReportParts.BenchmarkRow row(
            String measure, double millis, String target, double limit, String baseline) {
        return new ReportParts.BenchmarkRow(
                measure, String.format(Locale.ROOT, "%.2f ms", millis), target, millis <= limit, baseline);
    }

    /** {@value #SEQUENTIAL} requests one after another (after {@value #WARMUP} not counted). */
    private LatencySummary sequential(String path, String token, boolean keepAlive) {
        Histogram micros = new Histogram(3);
        GatewayConnection connection = new GatewayConnection(gateway);
        for (int i = 0; i < WARMUP + SEQUENTIAL; i++) {
            if (!keepAlive) {
                connection.close();
                connection = new GatewayConnection(gateway);
            }
            long started = System.nanoTime();
            expect(200, connection.send("GET", path, token, null));
            if (i >= WARMUP) {
                micros.recordValue(Math.max(1, (System.nanoTime() - started) / 1_000));
            }
        }
        connection.close();
        return LatencySummary.ofMicros(micros);
    }

    /**
     * Requests per second from {@value #CONNECTIONS} keep-alive connections, each sending as soon
     * as answered, after the same load for {@link #THROUGHPUT_WARMUP}, not counted.
     */
    private double throughput(String path, String token) {
        load(path, token, THROUGHPUT_WARMUP);
        return load(path, token, THROUGHPUT_FOR);
    }

    private double load(String path, String token, Duration duration) {
        AtomicLong answered = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                GatewayConnection connection = new GatewayConnection(gateway);
                while (System.nanoTime() < end) {
                    Answer answer = connection.send("GET", path, token, null);
                    (answer.status() == 200 ? answered : failed).incrementAndGet();
                }
                connection.close();
            }));
        }
        threads.forEach(Benchmark::join);
        if (failed.get() > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "WARN   %d of %d requests to %s were not 200%n",
                    failed.get(),
                    failed.get() + answered.get(),
                    path);
        }
        return answered.get() / (duration.toNanos() / 1e9);
    }

    /** Routes that between them reach every gRPC edge, one after another. */
    /**
     * A second user for the routes that take two: a one-to-one conversation with the benchmark's
     * user (SendMessage, and messaging-service asks user-service about blocks), and live streams
     * the user joins (streaming-service asks user-service the same).
     */
    private static final class Peer {
        private final BenchUser user;
        private final String conversationId;
        /** The peer's stream the mix joins, null before the first; a user has one at a time. */
        private String stream;

        private Peer(BenchUser user, String conversationId) {
            this.user = user;
            this.conversationId = conversationId;
        }

        static Peer of(URI gateway, BenchUser benchUser) {
            BenchUser other = BenchUser.signUp(gateway, "peer");
            try (GatewayConnection connection = new GatewayConnection(gateway)) {
                String conversation = field(
                        expect(
                                201,
                                connection.send(
                                        "POST",
                                        "/api/v1/conversations",
                                        benchUser.accessToken(),
                                        "{\"participantIds\":[\"" + other.userId() + "\"]}")),
                        "id");
                return new Peer(other, conversation);
            }
        }

        String conversationId() {
            return conversationId;
        }

        /**
         * Ends the peer's current stream (ending an ended one succeeds) and starts a new one: a user
         * has one live or starting stream at a time, and one without video ends by itself after
         * streaming-service's start timeout (see {@link Benchmark#STREAM_RENEWAL}).
         */
        String freshStream(GatewayConnection connection) {
            if (stream != null) {
                expect(204, connection.send("POST", "/api/v1/streams/" + stream + "/end", user.accessToken(), null));
            }
            stream = field(
                    expect(
                            201,
                            connection.send("POST", "/api/v1/streams", user.accessToken(), "{\"title\":\"bench\"}")),
                    "id");
            return stream;
        }
    }

    /**
     * One round per route of {@code LatencyIT}'s mix but media (an upload and its processing per
     * run): every gRPC edge between services that those routes reach, content-service's to
     * media-service excepted. The first seven routes are the mix of 2026-12-01; the next five
     * (user search, trending, an author's posts, a message, joining a stream) came with the services
     * of later issues.
     */
    private void mix(BenchUser user, Peer peer, String[] refresh, int rounds) {
        String token = user.accessToken();
        GatewayConnection connection = new GatewayConnection(gateway);
        String post = field(expect(201, connection.send("POST", "/api/v1/posts", token, "{\"text\":\"bench\"}")), "id");
        String stream = peer.freshStream(connection);
        Instant streamStarted = Instant.now();
        String handle = field(expect(200, connection.send("GET", ME, token, null)), "username");
        for (int i = 0; i < rounds; i++) {
            expect(200, connection.send("GET", ME, token, null));
            expect(200, connection.send("GET", "/api/v1/posts/" + post, token, null));
            expect(201, connection.send("POST", "/api/v1/posts", token, "{\"text\":\"bench " + i + "\"}"));
            expect(204, connection.send("PUT", "/api/v1/posts/" + post + "/like", token, null));
            expect(200, connection.send("GET", FEED, token, null));
            expect(200, connection.send("GET", "/api/v1/search/posts?q=bench%20" + i, token, null));
            String pair = expect(
                    200,
                    connection.send("POST", "/api/v1/auth/refresh", null, "{\"refreshToken\":\"" + refresh[0] + "\"}"));
            refresh[0] = field(pair, "refreshToken");
            expect(200, connection.send("GET", "/api/v1/search/users?q=" + handle, token, null));
            expect(200, connection.send("GET", "/api/v1/feed/trending?limit=20", token, null));
            expect(200, connection.send("GET", "/api/v1/users/" + user.userId() + "/posts?limit=10", token, null));
            expect(
                    201,
                    connection.send(
                            "POST",
                            "/api/v1/conversations/" + peer.conversationId() + "/messages",
                            token,
                            "{\"text\":\"bench " + i + "\"}"));
            if (Duration.between(streamStarted, Instant.now()).compareTo(STREAM_RENEWAL) > 0) {
                stream = peer.freshStream(connection);
                streamStarted = Instant.now();
            }
            expect(204, connection.send("POST", "/api/v1/streams/" + stream + "/join", token, null));
        }
        connection.close();
    }

    static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
