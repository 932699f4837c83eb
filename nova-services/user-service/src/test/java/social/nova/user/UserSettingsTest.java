package social.nova.user;

import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import social.nova.redis.StreamConsumerSettings;

import static org.assertj.core.api.Assertions.assertThat;

class UserSettingsTest {

    @Test
    void everyKeyHasADefault() {
        UserSettings settings = UserSettings.create(Config.empty());
        assertThat(settings.profileCache().name()).isEqualTo("profiles");
        assertThat(settings.profileCacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.registrations().stream()).isEqualTo("nova.events.user");
        assertThat(settings.registrations().group()).isEqualTo("user-service");
        assertThat(settings.registrations().transport().startFrom())
                .isEqualTo(StreamConsumerSettings.StartFrom.BEGINNING);
        assertThat(settings.registrations().handledTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(settings.registrations().deadLetterStream()).isEqualTo("nova.events.user.dlq");
        assertThat(settings.followLimit().limit()).isEqualTo(100);
        assertThat(settings.followLimit().window()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void keysOverrideTheDefaults() {
        Config config = Config.just(ConfigSources.create(Map.of(
                "user.profile-cache.name", "people",
                "user.profile-cache.ttl", "PT30S",
                "user.registrations.stream", "nova.events.user",
                "user.registrations.group", "user-service-canary",
                "user.registrations.claim-min-idle", "PT2S",
                "user.limits.follow.limit", "7",
                "user.paging.cursor-ttl", "PT1H")));
        UserSettings settings = UserSettings.create(config.get("user"));
        assertThat(settings.profileCache().name()).isEqualTo("people");
        assertThat(settings.profileCache().keyPrefix()).isEqualTo("cache:people:");
        assertThat(settings.profileCacheTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.registrations().group()).isEqualTo("user-service-canary");
        assertThat(settings.registrations().transport().claimMinIdle()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.followLimit().limit()).isEqualTo(7);
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(1));
    }
}
