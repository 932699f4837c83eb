package social.nova.feed;

import java.time.Duration;

import io.helidon.config.Config;
import org.junit.jupiter.api.Test;
import social.nova.db.DatabaseSettings;
import social.nova.rpc.RpcSettings;
import social.nova.testing.ServiceConfigs;

import static org.assertj.core.api.Assertions.assertThat;

/** application.yaml says what the README says: a typo in a key would silently fall back to a default. */
class ApplicationYamlTest {
    private final Config config = ServiceConfigs.applicationYaml(Main.class);

    @Test
    void theServiceIsFeedServiceOnPort8089WithItsOwnSchemaAndScripts() {
        assertThat(config.get("service.name").asString().get()).isEqualTo("feed-service");
        assertThat(config.get("server.port").asInt().get()).isEqualTo(8089);
        DatabaseSettings db = DatabaseSettings.create(config.get("db"));
        assertThat(db.schema()).isEqualTo("feed");
        assertThat(db.user()).isEqualTo("feed_service");
        assertThat(db.migrationLocations()).containsExactly("classpath:db/feed");
    }

    @Test
    void callsToContentServiceAndAuthServiceHaveATwoSecondDeadline() {
        RpcSettings rpc = RpcSettings.create(config.get("rpc"));
        assertThat(rpc.forTarget(ContentDirectory.CONTENT_SERVICE).deadlines().defaultDeadline())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(rpc.forTarget("auth-service").deadlines().defaultDeadline()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theFeedBlockIsRead() {
        FeedSettings settings = FeedSettings.create(config.get("feed"));
        assertThat(settings.postEvents().stream()).isEqualTo("nova.events.post");
        assertThat(settings.postEvents().group()).isEqualTo("feed-service");
        assertThat(settings.userEvents().stream()).isEqualTo("nova.events.user");
        assertThat(settings.userEvents().group()).isEqualTo("feed-service");
        assertThat(settings.streamEvents().stream()).isEqualTo("nova.events.stream");
        assertThat(settings.streamEvents().group()).isEqualTo("feed-service");
        assertThat(settings.backfill()).isEqualTo(50);
        assertThat(settings.celebrityThreshold()).isEqualTo(10_000);
        assertThat(settings.snapshotTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(settings.trendingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.rankingExperiment()).isEqualTo("feed-ranking");
        assertThat(settings.liveMaxStreams()).isEqualTo(20);
        assertThat(settings.liveEndedRetention()).isEqualTo(Duration.ofDays(7));
    }
}
