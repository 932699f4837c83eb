package social.nova.search;

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
    void theServiceIsSearchServiceOnPort8086WithItsOwnSchemaScriptsAndExtensions() {
        assertThat(config.get("service.name").asString().get()).isEqualTo("search-service");
        assertThat(config.get("server.port").asInt().get()).isEqualTo(8086);
        DatabaseSettings db = DatabaseSettings.create(config.get("db"));
        assertThat(db.schema()).isEqualTo("search");
        assertThat(db.user()).isEqualTo("search_service");
        assertThat(db.migrationLocations()).containsExactly("classpath:db/search");
        assertThat(config.get("db.provision.extensions").asList(String.class).get())
                .containsExactly("unaccent", "pg_trgm");
    }

    @Test
    void callsToAuthServiceHaveATwoSecondDeadline() {
        RpcSettings rpc = RpcSettings.create(config.get("rpc"));
        assertThat(rpc.forTarget("auth-service").deadlines().defaultDeadline()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theSearchBlockIsRead() {
        SearchSettings settings = SearchSettings.create(config.get("search"));
        assertThat(settings.searchLimit().limit()).isEqualTo(120);
        assertThat(settings.searchLimit().window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.typoMinSimilarity()).isEqualTo(0.4);
        assertThat(settings.userEvents().transport().stream()).isEqualTo("nova.events.user");
        assertThat(settings.userEvents().transport().group()).isEqualTo("search-service");
        assertThat(settings.postEvents().transport().stream()).isEqualTo("nova.events.post");
        assertThat(settings.postEvents().transport().group()).isEqualTo("search-service");
    }
}
