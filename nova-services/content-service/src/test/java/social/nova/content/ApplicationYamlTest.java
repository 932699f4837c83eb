package social.nova.content;

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
    void theServiceIsContentServiceOnPort8081WithItsOwnSchemaAndScripts() {
        assertThat(config.get("service.name").asString().get()).isEqualTo("content-service");
        assertThat(config.get("server.port").asInt().get()).isEqualTo(8081);
        DatabaseSettings db = DatabaseSettings.create(config.get("db"));
        assertThat(db.schema()).isEqualTo("content");
        assertThat(db.user()).isEqualTo("content_service");
        assertThat(db.migrationLocations()).containsExactly("classpath:db/content");
    }

    @Test
    void callsToUserMediaAndAuthServiceHaveATwoSecondDeadline() {
        RpcSettings rpc = RpcSettings.create(config.get("rpc"));
        assertThat(rpc.forTarget(UserDirectory.USER_SERVICE).deadlines().defaultDeadline())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(rpc.forTarget(MediaLibrary.MEDIA_SERVICE).deadlines().defaultDeadline())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(rpc.forTarget("auth-service").deadlines().defaultDeadline()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theContentBlockIsRead() {
        ContentSettings settings = ContentSettings.create(config.get("content"));
        assertThat(settings.createPostLimit().limit()).isEqualTo(30);
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(24));
    }
}
