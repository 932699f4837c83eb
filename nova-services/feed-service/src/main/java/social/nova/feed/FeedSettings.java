package social.nova.feed;

import java.time.Duration;

import io.helidon.config.Config;
import social.nova.events.EventSubscriptionSettings;
import social.nova.kit.Paging;

/**
 * feed-service's tunables (config block {@code feed}); every one has a default.
 *
 * @param postEvents          the subscription to content-service's events ({@code feed.events.posts}, keys of
 *                            nova-events' EventSubscriptionSettings; stream {@code nova.events.post}, group
 *                            {@code feed-service})
 * @param userEvents          the subscription to user-service's events ({@code feed.events.users}; stream
 *                            {@code nova.events.user}, group {@code feed-service})
 * @param streamEvents        the subscription to streaming-service's events ({@code feed.events.streams}; stream
 *                            {@code nova.events.stream}, group {@code feed-service})
 * @param backfill            how many of the followee's newest posts a follow copies into the follower's
 *                            timeline ({@code feed.fanout.backfill}, 50; 0 = none)
 * @param celebrityThreshold  authors with more followers than this are not fanned out on write, their posts are
 *                            merged in at read time ({@code feed.fanout.celebrity-threshold}, 10000)
 * @param snapshotTtl         how long a feed snapshot stays in Redis ({@code feed.paging.snapshot-ttl}, 30 min)
 * @param snapshotMaxItems    the most posts one feed snapshot holds ({@code feed.paging.snapshot-max-items}, 200)
 * @param cursorTtl           how long a GetTrending / ListExperiments cursor stays valid
 *                            ({@code feed.paging.cursor-ttl}, 24 h)
 * @param trendingInterval    how often the trending lists are recomputed ({@code feed.trending.interval}, 10 s)
 * @param trendingMaxPosts    the most posts one trending list holds ({@code feed.trending.max-posts}, 500)
 * @param rankingExperiment   the key of the experiment whose variant picks the feed ranking
 *                            ({@code feed.ranking.experiment-key}, {@code feed-ranking})
 * @param liveMaxStreams      the most live streams the first feed page lists ({@code feed.live.max-streams}, 20;
 *                            0..100, 0 = none)
 * @param liveEndedRetention  how long an ended stream's row stays as a tombstone against a late StreamStarted
 *                            ({@code feed.live.ended-retention}, 7 days)
 */
public record FeedSettings(
        EventSubscriptionSettings postEvents,
        EventSubscriptionSettings userEvents,
        EventSubscriptionSettings streamEvents,
        int backfill,
        long celebrityThreshold,
        Duration snapshotTtl,
        int snapshotMaxItems,
        Duration cursorTtl,
        Duration trendingInterval,
        int trendingMaxPosts,
        String rankingExperiment,
        int liveMaxStreams,
        Duration liveEndedRetention) {
    static final String POST_STREAM = "nova.events.post";
    static final String USER_STREAM = "nova.events.user";
    static final String STREAM_STREAM = "nova.events.stream";
    static final String GROUP = "feed-service";

    public FeedSettings {
        require(backfill >= 0 && backfill <= 1000, "feed.fanout.backfill must be 0..1000, was " + backfill);
        require(
                celebrityThreshold >= 1,
                "feed.fanout.celebrity-threshold must be at least 1, was " + celebrityThreshold);
        require(positive(snapshotTtl), "feed.paging.snapshot-ttl must be positive, was " + snapshotTtl);
        require(
                snapshotMaxItems >= Paging.MAX_LIMIT && snapshotMaxItems <= 5000,
                "feed.paging.snapshot-max-items must be " + Paging.MAX_LIMIT + "..5000, was " + snapshotMaxItems);
        require(positive(cursorTtl), "feed.paging.cursor-ttl must be positive, was " + cursorTtl);
        require(positive(trendingInterval), "feed.trending.interval must be positive, was " + trendingInterval);
        require(
                trendingMaxPosts >= 1 && trendingMaxPosts <= 10_000,
                "feed.trending.max-posts must be 1..10000, was " + trendingMaxPosts);
        require(
                rankingExperiment != null
                        && Experiments.KEY.matcher(rankingExperiment).matches(),
                "feed.ranking.experiment-key must be 1..64 characters of a-z, 0-9 and -, was " + rankingExperiment);
        require(
                liveMaxStreams >= 0 && liveMaxStreams <= Paging.MAX_LIMIT,
                "feed.live.max-streams must be 0.." + Paging.MAX_LIMIT + ", was " + liveMaxStreams);
        require(positive(liveEndedRetention), "feed.live.ended-retention must be positive, was " + liveEndedRetention);
    }

    public static FeedSettings create(Config feed) {
        return new FeedSettings(
                subscription(feed.get("events.posts"), POST_STREAM),
                subscription(feed.get("events.users"), USER_STREAM),
                subscription(feed.get("events.streams"), STREAM_STREAM),
                feed.get("fanout.backfill").asInt().orElse(50),
                feed.get("fanout.celebrity-threshold").asLong().orElse(10_000L),
                feed.get("paging.snapshot-ttl").as(Duration.class).orElse(Duration.ofMinutes(30)),
                feed.get("paging.snapshot-max-items").asInt().orElse(200),
                feed.get("paging.cursor-ttl").as(Duration.class).orElse(Paging.DEFAULT_CURSOR_TTL),
                feed.get("trending.interval").as(Duration.class).orElse(Duration.ofSeconds(10)),
                feed.get("trending.max-posts").asInt().orElse(500),
                feed.get("ranking.experiment-key").asString().orElse("feed-ranking"),
                feed.get("live.max-streams").asInt().orElse(20),
                feed.get("live.ended-retention").as(Duration.class).orElse(Duration.ofDays(7)));
    }

    /** The block's keys when it names stream and group, else the stream with group feed-service and defaults. */
    private static EventSubscriptionSettings subscription(Config events, String stream) {
        return events.get("stream").exists() && events.get("group").exists()
                ? EventSubscriptionSettings.create(events)
                : EventSubscriptionSettings.of(stream, GROUP);
    }

    private static boolean positive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
