package social.nova.search;

import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SearchSettingsTest {

    @Test
    void everyKeyHasADefault() {
        SearchSettings settings = SearchSettings.create(Config.empty());
        assertThat(settings.searchLimit().limit()).isEqualTo(120);
        assertThat(settings.searchLimit().window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.typoMinSimilarity()).isEqualTo(0.4);
        assertThat(settings.userEvents().transport().stream()).isEqualTo("nova.events.user");
        assertThat(settings.userEvents().transport().group()).isEqualTo("search-service");
        assertThat(settings.postEvents().transport().stream()).isEqualTo("nova.events.post");
        assertThat(settings.postEvents().transport().group()).isEqualTo("search-service");
    }

    @Test
    void keysOverrideTheDefaults() {
        SearchSettings settings = SearchSettings.create(config(Map.of(
                "search.limits.search.limit", "5",
                "search.limits.search.window", "PT10S",
                "search.paging.cursor-ttl", "PT1H",
                "search.typo.min-similarity", "0.6",
                "search.events.users.stream", "users",
                "search.events.users.group", "g1",
                "search.events.posts.stream", "posts",
                "search.events.posts.group", "g2")));
        assertThat(settings.searchLimit().limit()).isEqualTo(5);
        assertThat(settings.searchLimit().window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.typoMinSimilarity()).isEqualTo(0.6);
        assertThat(settings.userEvents().transport().stream()).isEqualTo("users");
        assertThat(settings.userEvents().transport().group()).isEqualTo("g1");
        assertThat(settings.postEvents().transport().stream()).isEqualTo("posts");
        assertThat(settings.postEvents().transport().group()).isEqualTo("g2");
    }

    @Test
    void aSimilarityOutsideZeroToOneNamesItsKey() {
        assertThatThrownBy(() -> SearchSettings.create(config(Map.of("search.typo.min-similarity", "0"))))
                .hasMessageContaining("search.typo.min-similarity");
        assertThatThrownBy(() -> SearchSettings.create(config(Map.of("search.typo.min-similarity", "1.5"))))
                .hasMessageContaining("search.typo.min-similarity");
    }

    private static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values)).get("search");
    }
}
