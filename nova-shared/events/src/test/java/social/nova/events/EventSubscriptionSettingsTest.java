package social.nova.events;

import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventSubscriptionSettingsTest {
    @Test
    void defaults() {
        EventSubscriptionSettings settings =
                EventSubscriptionSettings.create(config(Map.of("stream", "nova.events.user", "group", "feed-service")));

        assertThat(settings.stream()).isEqualTo("nova.events.user");
        assertThat(settings.group()).isEqualTo("feed-service");
        assertThat(settings.handledTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(settings.maxDeliveries()).isEqualTo(5);
        assertThat(settings.deadLetterStream()).isEqualTo("nova.events.user.dlq");
    }

    @Test
    void readsItsKeysAndTheStreamConsumersKeys() {
        EventSubscriptionSettings settings = EventSubscriptionSettings.create(config(Map.of(
                "stream",
                "nova.events.post",
                "group",
                "search-service",
                "handled-ttl",
                "P1D",
                "max-deliveries",
                "3",
                "dead-letter-suffix",
                ".dead")));

        assertThat(settings.handledTtl()).isEqualTo(Duration.ofDays(1));
        assertThat(settings.maxDeliveries()).isEqualTo(3);
        assertThat(settings.deadLetterStream()).isEqualTo("nova.events.post.dead");
    }

    @Test
    void refusesANonPositiveTtl() {
        assertThatThrownBy(() -> EventSubscriptionSettings.create(
                        config(Map.of("stream", "s", "group", "g", "handled-ttl", "PT0S"))))
                .hasMessage("events handled-ttl must be positive, was PT0S");
    }

    private static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }
}
