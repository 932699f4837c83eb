package social.nova.messaging;

import java.time.Duration;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessagingSettingsTest {

    @Test
    void everyKeyHasADefault() {
        MessagingSettings settings = MessagingSettings.create(Config.empty());
        assertThat(settings.createConversationLimit().limit()).isEqualTo(20);
        assertThat(settings.sendMessageLimit().limit()).isEqualTo(60);
        assertThat(settings.sendMessageLimit().window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.idempotencyWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.liveChannel()).isEqualTo("nova.messaging.live");
        assertThat(settings.resubscribeDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maxQueuedEvents()).isEqualTo(256);
        assertThat(settings.presenceTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.pushMaxAge()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void keysOverrideTheDefaults() {
        MessagingSettings settings = MessagingSettings.create(config(Map.of(
                "messaging.limits.send-message.limit", "5",
                "messaging.limits.send-message.window", "PT10S",
                "messaging.idempotency-window", "PT1H",
                "messaging.live.channel", "other",
                "messaging.live.max-queued-events", "8",
                "messaging.presence.ttl", "PT9S",
                "messaging.push.max-age", "PT5M")));
        assertThat(settings.sendMessageLimit().limit()).isEqualTo(5);
        assertThat(settings.sendMessageLimit().window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.idempotencyWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.liveChannel()).isEqualTo("other");
        assertThat(settings.maxQueuedEvents()).isEqualTo(8);
        assertThat(settings.presenceTtl()).isEqualTo(Duration.ofSeconds(9));
        assertThat(settings.pushMaxAge()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aNonsensicalValueIsRefusedNamingItsKey() {
        assertThatThrownBy(() -> MessagingSettings.create(config(Map.of("messaging.live.max-queued-events", "0"))))
                .hasMessageContaining("messaging.live.max-queued-events");
        assertThatThrownBy(() -> MessagingSettings.create(config(Map.of("messaging.presence.ttl", "PT1S"))))
                .hasMessageContaining("messaging.presence.ttl");
    }

    private static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values)).get("messaging");
    }
}
