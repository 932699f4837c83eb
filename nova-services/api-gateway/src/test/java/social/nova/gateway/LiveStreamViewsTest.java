package social.nova.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.google.protobuf.Timestamp;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import social.nova.contracts.streaming.v1.LiveStream;
import social.nova.contracts.streaming.v1.StreamStatus;
import social.nova.contracts.streaming.v1.WatchStreamResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live streams' JSON as the API writes it, and the event streams' settings. */
class LiveStreamViewsTest {
    private static final Instant STARTED = Instant.parse("2026-12-05T18:00:00Z");
    private final Json json = new Json(1024);

    @Test
    void aStreamIsWrittenWithItsPeakOnlyWhereItIsKnown() throws Exception {
        LiveStream stream = LiveStream.newBuilder()
                .setId("s")
                .setOwnerId("o")
                .setTitle("Night climb")
                .setStatus(StreamStatus.STREAM_STATUS_LIVE)
                .setViewerCount(3)
                .setPlaybackUrl("https://play/s.m3u8")
                .setStartedAt(timestamp(STARTED))
                .build();

        assertThat(json.mapper().writeValueAsString(Views.LiveStreamView.of(stream)))
                .isEqualTo("{\"id\":\"s\",\"ownerId\":\"o\",\"title\":\"Night climb\",\"description\":null,"
                        + "\"status\":\"LIVE\",\"viewerCount\":3,\"playbackUrl\":\"https://play/s.m3u8\","
                        + "\"startedAt\":\"2026-12-05T18:00:00Z\",\"endedAt\":null}");
        assertThat(json.mapper()
                        .writeValueAsString(Views.LiveStreamView.of(
                                stream.toBuilder()
                                        .setStatus(StreamStatus.STREAM_STATUS_ENDED)
                                        .setDescription("up the north face")
                                        .setEndedAt(timestamp(STARTED.plusSeconds(60)))
                                        .build(),
                                9L)))
                .contains("\"description\":\"up the north face\"")
                .contains("\"status\":\"ENDED\"")
                .contains("\"viewerCount\":3,\"peakViewers\":9,")
                .contains("\"endedAt\":\"2026-12-05T18:01:00Z\"");
    }

    @Test
    void anUpdateIsItsStatusViewersAndTime() throws Exception {
        WatchStreamResponse update = WatchStreamResponse.newBuilder()
                .setStatus(StreamStatus.STREAM_STATUS_STARTING)
                .setUpdatedAt(timestamp(STARTED))
                .build();
        assertThat(json.mapper().writeValueAsString(Views.LiveStreamUpdate.of(update)))
                .isEqualTo("{\"status\":\"STARTING\",\"viewerCount\":0,\"updatedAt\":\"2026-12-05T18:00:00Z\"}");
        assertThat(Views.streamStatus(StreamStatus.UNRECOGNIZED))
                .as("a status newer than the gateway")
                .isEqualTo("UNRECOGNIZED");
    }

    @Test
    void everyEventStreamSettingHasADefaultAndIsRead() {
        assertThat(LiveStreamEventsSettings.create(config(Map.of()))).isEqualTo(LiveStreamEventsSettings.DEFAULTS);
        assertThat(LiveStreamEventsSettings.DEFAULTS.maxConnections()).isEqualTo(512);
        assertThat(LiveStreamEventsSettings.DEFAULTS.minInterval()).isEqualTo(Duration.ofSeconds(1));
        LiveStreamEventsSettings read = LiveStreamEventsSettings.create(config(Map.of(
                "max-connections", "10",
                "max-connections-per-user", "2",
                "min-interval", "PT0.5S",
                "heartbeat", "PT5S",
                "max-duration", "PT10M")));
        assertThat(read)
                .isEqualTo(new LiveStreamEventsSettings(
                        10, 2, Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofMinutes(10)));
        assertThatThrownBy(() -> LiveStreamEventsSettings.create(config(Map.of("min-interval", "PT0S"))))
                .hasMessage("gateway.live-streams.events.min-interval must be positive, was PT0S");
        assertThatThrownBy(() -> LiveStreamEventsSettings.create(config(Map.of("max-connections", "0"))))
                .hasMessage("gateway.live-streams.events.max-connections must be at least 1, was 0");
    }

    private static Config config(Map<String, String> values) {
        return Config.builder()
                .sources(ConfigSources.create(values))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
