package social.nova.streaming;

import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import org.junit.jupiter.api.Test;
import social.nova.db.DatabaseSettings;
import social.nova.kit.DevelopmentSecrets;
import social.nova.rpc.RpcSettings;
import social.nova.testing.ServiceConfigs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** application.yaml says what the README says: a typo in a key would silently fall back to a default. */
class ApplicationYamlTest {
    private final Config config = ServiceConfigs.applicationYaml(Main.class);

    @Test
    void theServiceIsStreamingServiceOnPort8088WithItsOwnSchemaAndScripts() {
        assertThat(config.get("service.name").asString().get()).isEqualTo("streaming-service");
        assertThat(config.get("server.port").asInt().get()).isEqualTo(8088);
        DatabaseSettings db = DatabaseSettings.create(config.get("db"));
        assertThat(db.schema()).isEqualTo("streaming");
        assertThat(db.user()).isEqualTo("streaming_service");
        assertThat(db.migrationLocations()).containsExactly("classpath:db/streaming");
        // Open WatchStream calls hold a permit each: the target is 2,000 per instance.
        assertThat(config.get("traffic.max-concurrent-requests").asInt().get()).isGreaterThanOrEqualTo(2000);
    }

    @Test
    void callsToUserAndAuthServiceHaveATwoSecondDeadline() {
        RpcSettings rpc = RpcSettings.create(config.get("rpc"));
        assertThat(rpc.forTarget(Audience.USER_SERVICE).deadlines().defaultDeadline())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(rpc.forTarget("auth-service").deadlines().defaultDeadline()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theStreamingBlockIsReadWithTheContractsPresenceAndTheMediaServersAddresses() {
        StreamingSettings settings = StreamingSettings.create(config.get("streaming"));
        assertThat(settings.presenceTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.ingestUrl()).hasToString("rtmp://localhost:1935/live");
        assertThat(settings.playbackUrl()).hasToString("http://localhost:8090/hls");
        assertThat(settings.controlUrl()).isNull();
        assertThat(settings.startLimit().limit()).isEqualTo(10);
        assertThat(settings.startTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.publisherTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(settings.watchInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theShippedCallbackSecretIsRefusedOutsideDevelopment() {
        assertThatThrownBy(() -> DevelopmentSecrets.refuseOutsideDev(
                        ServiceConfigs.config(Main.class, Map.of("db.password", "a-real-one")), config))
                .hasMessageContaining("streaming.media-server.callback-secret")
                .hasMessageContaining("STREAMING_MEDIA_dash_SERVER_CALLBACK_dash_SECRET");
    }
}
