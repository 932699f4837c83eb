package social.nova.streaming;

import java.net.URI;
import java.time.Duration;

import io.helidon.config.Config;
import social.nova.kit.Paging;
import social.nova.redis.RateLimiterSettings;

/**
 * streaming-service's tunables (config block {@code streaming}); every one but the callback secret
 * has a default.
 *
 * @param ingestUrl         the RTMP base broadcasters publish to ({@code streaming.ingest-url}); a stream's
 *                          ingest_url is {@code <base>/<stream id>}, and the encoder publishes to
 *                          {@code <ingest_url>?key=<stream_key>}
 * @param playbackUrl       the HLS base viewers play from ({@code streaming.playback-url}); a stream's
 *                          playback_url is {@code <base>/<stream id>/index.m3u8}
 * @param callbackSecret    the shared secret the media server's callbacks carry in their path
 *                          ({@code streaming.media-server.callback-secret}, at least 16 characters)
 * @param controlUrl        the media server's control endpoint, to disconnect a publisher
 *                          ({@code streaming.media-server.control-url}; empty: publishers are only
 *                          refused at their next update)
 * @param startLimit        streams a user starts ({@code streaming.limits.start-stream}: 10 per 10 minutes)
 * @param presenceTtl       how long JoinStream counts a viewer ({@code streaming.presence.ttl}, 60 s)
 * @param startTimeout      a stream no video reaches ends after this ({@code streaming.start-timeout}, 2 min)
 * @param publisherTimeout  a LIVE stream the media server stops reporting ends after this
 *                          ({@code streaming.publisher-timeout}, 45 s; the media server reports every 10 s)
 * @param sweepInterval     how often an instance looks for such streams ({@code streaming.sweep-interval}, 5 s)
 * @param watchInterval     how often open WatchStream calls are brought up to date, hence the most
 *                          often one gets an update ({@code streaming.watch-interval}, 1 s)
 * @param cursorTtl         how long a page cursor stays valid ({@code streaming.paging.cursor-ttl}, 24 h)
 */
public record StreamingSettings(
        URI ingestUrl,
        URI playbackUrl,
        String callbackSecret,
        URI controlUrl,
        RateLimiterSettings startLimit,
        Duration presenceTtl,
        Duration startTimeout,
        Duration publisherTimeout,
        Duration sweepInterval,
        Duration watchInterval,
        Duration cursorTtl) {
    public StreamingSettings {
        require(
                "rtmp".equals(ingestUrl.getScheme()) || "rtmps".equals(ingestUrl.getScheme()),
                "streaming.ingest-url must be an rtmp:// or rtmps:// URL");
        require(
                "http".equals(playbackUrl.getScheme()) || "https".equals(playbackUrl.getScheme()),
                "streaming.playback-url must be an http:// or https:// URL");
        require(
                callbackSecret.length() >= 16,
                "streaming.media-server.callback-secret must be set, at least 16 characters");
        require(presenceTtl.compareTo(Duration.ofSeconds(3)) >= 0, "streaming.presence.ttl must be at least PT3S");
        require(startTimeout.isPositive(), "streaming.start-timeout must be positive");
        require(publisherTimeout.isPositive(), "streaming.publisher-timeout must be positive");
        require(sweepInterval.isPositive(), "streaming.sweep-interval must be positive");
        require(watchInterval.isPositive(), "streaming.watch-interval must be positive");
    }

    public static StreamingSettings create(Config streaming) {
        Config limit = streaming.get("limits.start-stream");
        return new StreamingSettings(
                URI.create(trimSlash(streaming.get("ingest-url").asString().orElse("rtmp://localhost:1935/live"))),
                URI.create(trimSlash(streaming.get("playback-url").asString().orElse("http://localhost:8090/hls"))),
                streaming.get("media-server.callback-secret").asString().orElse(""),
                streaming
                        .get("media-server.control-url")
                        .asString()
                        .filter(url -> !url.isBlank())
                        .map(url -> URI.create(trimSlash(url)))
                        .orElse(null),
                RateLimiterSettings.of(
                        "streaming-start-stream",
                        limit.get("limit").asInt().orElse(10),
                        limit.get("window").as(Duration.class).orElse(Duration.ofMinutes(10))),
                streaming.get("presence.ttl").as(Duration.class).orElse(Duration.ofSeconds(60)),
                streaming.get("start-timeout").as(Duration.class).orElse(Duration.ofMinutes(2)),
                streaming.get("publisher-timeout").as(Duration.class).orElse(Duration.ofSeconds(45)),
                streaming.get("sweep-interval").as(Duration.class).orElse(Duration.ofSeconds(5)),
                streaming.get("watch-interval").as(Duration.class).orElse(Duration.ofSeconds(1)),
                streaming.get("paging.cursor-ttl").as(Duration.class).orElse(Paging.DEFAULT_CURSOR_TTL));
    }

    /** Where the owner's encoder sends stream {@code id}'s video (the key goes in as {@code ?key=}). */
    String ingestUrlOf(Object id) {
        return ingestUrl + "/" + id;
    }

    /** Where players fetch stream {@code id}'s HLS playlist. */
    String playbackUrlOf(Object id) {
        return playbackUrl + "/" + id + "/index.m3u8";
    }

    @Override
    public String toString() {
        // Never the secret.
        return "StreamingSettings[ingestUrl=" + ingestUrl + ", playbackUrl=" + playbackUrl + ", controlUrl="
                + controlUrl + ", presenceTtl=" + presenceTtl + ", startTimeout=" + startTimeout
                + ", publisherTimeout=" + publisherTimeout + "]";
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
