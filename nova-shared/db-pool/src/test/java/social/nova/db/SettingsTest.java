package social.nova.db;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    @Test
    void databaseSettingsReadRequiredKeysAndDefaultTheRest() {
        DatabaseSettings settings = DatabaseSettings.create(config(Map.of(
                "url",
                "jdbc:postgresql://db:5432/nova",
                "user",
                "auth",
                "password",
                "secret",
                "schema",
                "auth",
                "pool.max-size",
                "4",
                "migration.locations.0",
                "classpath:db/auth",
                "migration.locations.1",
                "filesystem:/opt/extra")));

        assertThat(settings.poolName()).isEqualTo("nova-auth");
        assertThat(settings.poolMaxSize()).isEqualTo(4);
        assertThat(settings.poolMinIdle()).isEqualTo(2);
        assertThat(settings.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.pingTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.failFast()).isTrue();
        assertThat(settings.migrationLocations()).containsExactly("classpath:db/auth", "filesystem:/opt/extra");
        assertThat(settings.toString()).doesNotContain("secret").contains("password=***");
        assertThat(DatabaseSettings.of("jdbc:postgresql://db/nova", "a", null, "a")
                        .migrationLocations())
                .isEqualTo(List.of("classpath:db/migration"));
    }

    @Test
    void databaseSettingsRejectWhatWouldFailLater() {
        assertThatThrownBy(() -> DatabaseSettings.of("jdbc:mysql://db/nova", "auth", "pw", "auth"))
                .hasMessageContaining("must start with jdbc:postgresql:");
        assertThatThrownBy(() -> DatabaseSettings.of("jdbc:postgresql://db/nova", "auth", "pw", "Auth"))
                .hasMessageContaining("db schema must match");
        assertThatThrownBy(() -> DatabaseSettings.of("jdbc:postgresql://db/nova", "auth", "pw", "auth")
                        .withTimeouts(Duration.ofMillis(100), Duration.ofSeconds(1)))
                .hasMessageContaining("connection-timeout must be at least PT0.25S");
        assertThatThrownBy(() -> DatabaseSettings.create(config(Map.of("url", "jdbc:postgresql://db/nova"))))
                .hasMessageContaining("schema");
    }

    @Test
    void relaySettingsDefaultAndNameStreamsByAggregateType() {
        OutboxRelaySettings settings =
                OutboxRelaySettings.create(config(Map.of("batch-size", "25", "published-retention", "P1D")));

        assertThat(settings.batchSize()).isEqualTo(25);
        assertThat(settings.publishedRetention()).isEqualTo(Duration.ofDays(1));
        assertThat(settings.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.streamFor("user")).isEqualTo("nova.events.user");
        assertThatThrownBy(() -> OutboxRelaySettings.defaults()
                        .withTiming(Duration.ofMillis(10), 0, Duration.ofMillis(10), Duration.ofMillis(10)))
                .hasMessageContaining("batch-size must be >= 1");
    }

    @Test
    void outboxEventsAreValidatedWhereTheyAreMade() {
        OutboxEvent event = OutboxEvent.of("user", "42", "UserRenamed", "{\"name\":\"Ada\"}")
                .withHeader("request-id", "r-1");

        assertThat(event.headers()).containsEntry("request-id", "r-1");
        assertThat(event.eventId()).isNotNull();
        assertThatThrownBy(() -> OutboxEvent.of("User Profile", "42", "UserRenamed", "{}"))
                .hasMessageContaining("aggregateType must match");
        assertThatThrownBy(() -> OutboxEvent.of("user", "42", "UserRenamed", " "))
                .hasMessageContaining("payload must not be blank");
        assertThatThrownBy(() -> event.withHeader("Request Id", "x")).hasMessageContaining("header names must match");
    }

    private static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }
}
