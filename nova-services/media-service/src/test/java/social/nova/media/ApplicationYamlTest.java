package social.nova.media;

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
    void theServiceIsMediaServiceOnPort8082WithItsOwnSchema() {
        assertThat(config.get("service.name").asString().get()).isEqualTo("media-service");
        assertThat(config.get("server.port").asInt().get()).isEqualTo(8082);
        DatabaseSettings db = DatabaseSettings.create(config.get("db"));
        assertThat(db.schema()).isEqualTo("media");
        assertThat(db.user()).isEqualTo("media_service");
        assertThat(db.migrationLocations()).containsExactly("classpath:db/media");
        assertThat(config.get("nova.secret-settings").asList(String.class).get())
                .containsExactly("media.storage.secret-key");
    }

    @Test
    void callsToAuthServiceHaveATwoSecondDeadline() {
        RpcSettings rpc = RpcSettings.create(config.get("rpc"));
        assertThat(rpc.forTarget("auth-service").deadlines().defaultDeadline()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theMediaBlockIsReadWithTheContractsLimits() {
        MediaSettings settings = MediaSettings.create(config.get("media"));
        assertThat(settings.maxImageBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(settings.maxVideoBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(settings.quotaBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(settings.uploadLimit().limit()).isEqualTo(60);
        assertThat(settings.uploadLimit().window()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.maxConcurrentUploads()).isEqualTo(8);
        assertThat(settings.storage().partBytes()).isEqualTo(5 * 1024 * 1024);
        assertThat(settings.storage().bucket()).isEqualTo("nova-media");
        assertThat(settings.storage().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.sweep().interval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.sweep().staleAfter()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.maxBytes(MediaTypes.MP4)).isEqualTo(settings.maxVideoBytes());
        assertThat(settings.maxBytes(MediaTypes.GIF)).isEqualTo(settings.maxImageBytes());
    }
}
