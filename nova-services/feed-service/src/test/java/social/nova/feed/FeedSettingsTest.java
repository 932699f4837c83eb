package social.nova.feed;

import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeedSettingsTest {

    @Test
    void everyKeyHasADefault() {
        FeedSettings settings = FeedSettings.create(Config.empty());
        assertThat(settings.postEvents().stream()).isEqualTo("nova.events.post");
        assertThat(settings.postEvents().group()).isEqualTo("feed-service");
        assertThat(settings.userEvents().stream()).isEqualTo("nova.events.user");
        assertThat(settings.userEvents().group()).isEqualTo("feed-service");
        assertThat(settings.streamEvents().stream()).isEqualTo("nova.events.stream");
        assertThat(settings.streamEvents().group()).isEqualTo("feed-service");
        assertThat(settings.backfill()).isEqualTo(50);
        assertThat(settings.celebrityThreshold()).isEqualTo(10_000);
        assertThat(settings.snapshotTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(settings.snapshotMaxItems()).isEqualTo(200);
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.trendingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.trendingMaxPosts()).isEqualTo(500);
        assertThat(settings.rankingExperiment()).isEqualTo("feed-ranking");
        assertThat(settings.liveMaxStreams()).isEqualTo(20);
        assertThat(settings.liveEndedRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void keysOverrideTheDefaults() {
        FeedSettings settings = FeedSettings.create(config(Map.of(
                "feed.events.posts.stream", "nova.events.post",
                "feed.events.posts.group", "feed-other",
                "feed.fanout.backfill", "5",
                "feed.fanout.celebrity-threshold", "2",
                "feed.paging.snapshot-ttl", "PT1M",
                "feed.paging.snapshot-max-items", "300",
                "feed.paging.cursor-ttl", "PT1H",
                "feed.trending.interval", "PT0.5S",
                "feed.trending.max-posts", "10",
                "feed.ranking.experiment-key", "other-ranking")));
        assertThat(settings.postEvents().group()).isEqualTo("feed-other");
        assertThat(settings.backfill()).isEqualTo(5);
        assertThat(settings.celebrityThreshold()).isEqualTo(2);
        assertThat(settings.snapshotTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.snapshotMaxItems()).isEqualTo(300);
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.trendingInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.trendingMaxPosts()).isEqualTo(10);
        assertThat(settings.rankingExperiment()).isEqualTo("other-ranking");
    }

    @Test
    void theLiveStreamKeysOverrideTheirDefaults() {
        FeedSettings settings = FeedSettings.create(config(Map.of(
                "feed.events.streams.stream", "nova.events.stream",
                "feed.events.streams.group", "feed-other",
                "feed.live.max-streams", "0",
                "feed.live.ended-retention", "PT1H")));
        assertThat(settings.streamEvents().stream()).isEqualTo("nova.events.stream");
        assertThat(settings.streamEvents().group()).isEqualTo("feed-other");
        assertThat(settings.liveMaxStreams()).as("0: no live streams listed").isZero();
        assertThat(settings.liveEndedRetention()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void nonsenseIsRefusedAtStartupNamingTheKey() {
        assertThatThrownBy(() -> FeedSettings.create(config(Map.of("feed.fanout.celebrity-threshold", "0"))))
                .hasMessageContaining("feed.fanout.celebrity-threshold");
        assertThatThrownBy(() -> FeedSettings.create(config(Map.of("feed.fanout.backfill", "-1"))))
                .hasMessageContaining("feed.fanout.backfill");
        assertThatThrownBy(() -> FeedSettings.create(config(Map.of("feed.trending.interval", "PT0S"))))
                .hasMessageContaining("feed.trending.interval");
        assertThatThrownBy(() -> FeedSettings.create(config(Map.of("feed.paging.snapshot-max-items", "50"))))
                .hasMessageContaining("feed.paging.snapshot-max-items");
        assertThatThrownBy(() -> FeedSettings.create(config(Map.of("feed.ranking.experiment-key", "Feed Ranking"))))
                .hasMessageContaining("feed.ranking.experiment-key");
        assertThatThrownBy(() -> FeedSettings.create(config(Map.of("feed.live.max-streams", "101"))))
                .hasMessage("feed.live.max-streams must be 0..100, was 101");
        assertThatThrownBy(() -> FeedSettings.create(config(Map.of("feed.live.max-streams", "-1"))))
                .hasMessageContaining("feed.live.max-streams");
        assertThatThrownBy(() -> FeedSettings.create(config(Map.of("feed.live.ended-retention", "PT0S"))))
                .hasMessage("feed.live.ended-retention must be positive, was PT0S");
    }

    private static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values)).get("feed");
    }
}
