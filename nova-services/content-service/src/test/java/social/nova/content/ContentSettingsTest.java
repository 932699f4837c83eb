package social.nova.content;

import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContentSettingsTest {

    @Test
    void everyKeyHasADefault() {
        ContentSettings settings = ContentSettings.create(Config.empty());
        assertThat(settings.createPostLimit().limit()).isEqualTo(30);
        assertThat(settings.createPostLimit().window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.confirmedAuthors()).isEqualTo(50_000);
        assertThat(settings.confirmedFor()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void keysOverrideTheDefaults() {
        Config config = Config.just(ConfigSources.create(Map.of(
                "content.limits.create-post.limit", "5",
                "content.limits.create-post.window", "PT10S",
                "content.paging.cursor-ttl", "PT1H",
                "content.authors.remembered", "10",
                "content.authors.remember-for", "PT30S")));
        ContentSettings settings = ContentSettings.create(config.get("content"));
        assertThat(settings.createPostLimit().limit()).isEqualTo(5);
        assertThat(settings.createPostLimit().window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.confirmedAuthors()).isEqualTo(10);
        assertThat(settings.confirmedFor()).isEqualTo(Duration.ofSeconds(30));
    }
}
