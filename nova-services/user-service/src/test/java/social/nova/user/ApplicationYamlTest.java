package social.nova.user;

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
    void theServiceIsUserServiceOnPort8080WithItsOwnSchemaAndScripts() {
        assertThat(config.get("service.name").asString().get()).isEqualTo("user-service");
        assertThat(config.get("server.port").asInt().get()).isEqualTo(8080);
        DatabaseSettings db = DatabaseSettings.create(config.get("db"));
        assertThat(db.schema()).isEqualTo("users");
        assertThat(db.user()).isEqualTo("users_service");
        assertThat(db.migrationLocations()).containsExactly("classpath:db/users");
    }

    @Test
    void callsToAuthServiceHaveATwoSecondDeadline() {
        assertThat(RpcSettings.create(config.get("rpc"))
                        .forTarget("auth-service")
                        .deadlines()
                        .defaultDeadline())
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theUserBlockIsRead() {
        UserSettings settings = UserSettings.create(config.get("user"));
        assertThat(settings.registrations().stream()).isEqualTo(UserSettings.STREAM);
        assertThat(settings.registrations().group()).isEqualTo(UserSettings.GROUP);
        assertThat(settings.profileCache().name()).isEqualTo("profiles");
        assertThat(settings.followLimit().limit()).isEqualTo(100);
    }
}
