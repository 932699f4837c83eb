package social.nova.streaming;

import java.util.Map;

import org.junit.jupiter.api.Test;
import social.nova.testing.ServiceConfigs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamingSettingsTest {
    private static StreamingSettings with(Map<String, String> values) {
        return StreamingSettings.create(
                ServiceConfigs.config(Main.class, values).get("streaming"));
    }

    @Test
    void aStreamsAddressesAreBuiltFromTheBasesWhateverTheirTrailingSlash() {
        StreamingSettings settings = with(Map.of(
                "streaming.ingest-url", "rtmp://media.nova.social:1935/live/",
                "streaming.playback-url", "https://cdn.nova.social/hls/",
                "streaming.media-server.control-url", "http://media-server:8081/control/"));
        assertThat(settings.ingestUrlOf("s1")).isEqualTo("rtmp://media.nova.social:1935/live/s1");
        assertThat(settings.playbackUrlOf("s1")).isEqualTo("https://cdn.nova.social/hls/s1/index.m3u8");
        assertThat(settings.controlUrl()).hasToString("http://media-server:8081/control");
    }

    @Test
    void settingsThatCannotWorkStopTheStartWithTheKeyToFix() {
        assertThatThrownBy(() -> with(Map.of("streaming.ingest-url", "http://media:1935/live")))
                .hasMessageContaining("streaming.ingest-url");
        assertThatThrownBy(() -> with(Map.of("streaming.playback-url", "rtmp://media/hls")))
                .hasMessageContaining("streaming.playback-url");
        assertThatThrownBy(() -> with(Map.of("streaming.media-server.callback-secret", "short")))
                .hasMessageContaining("streaming.media-server.callback-secret");
        assertThatThrownBy(() -> with(Map.of("streaming.presence.ttl", "PT1S")))
                .hasMessageContaining("streaming.presence.ttl");
    }

    @Test
    void theSecretNeverShowsInTheSettingsPrintedAtStart() {
        StreamingSettings settings =
                with(Map.of("streaming.media-server.callback-secret", "a-very-secret-secret-value"));
        assertThat(settings.toString()).doesNotContain("a-very-secret-secret-value");
    }
}
