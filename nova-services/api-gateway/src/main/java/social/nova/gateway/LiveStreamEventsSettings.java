package social.nova.gateway;

import java.time.Duration;
import java.util.Objects;

import io.helidon.config.Config;

/**
 * Tunables of the live-stream event streams, {@code GET /api/v1/streams/{id}/events} (config block
 * {@code gateway.live-streams.events}); every one has a default. See the README's "Live-stream
 * events" section.
 *
 * @param maxConnections open event streams on this gateway instance ({@code max-connections}, 512).
 *                       Each holds one of the port's {@code traffic.max-concurrent-requests} permits
 *                       while it is open, so that limit is this one plus the REST routes' share
 * @param maxPerUser     open event streams of one user ({@code max-connections-per-user}, 5)
 * @param minInterval    shortest time between two update events of one stream ({@code min-interval},
 *                       PT1S); updates in between are merged, the newest wins
 * @param heartbeat      a comment line after this much silence ({@code heartbeat}, PT15S): proxies keep
 *                       the connection, and a client that left is noticed at the next write
 * @param maxDuration    the longest one event stream lasts ({@code max-duration}, PT1H); then the response
 *                       ends and the client reconnects. A stream also ends when the access token expires
 */
record LiveStreamEventsSettings(
        int maxConnections, int maxPerUser, Duration minInterval, Duration heartbeat, Duration maxDuration) {

    static final LiveStreamEventsSettings DEFAULTS =
            new LiveStreamEventsSettings(512, 5, Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofHours(1));

    LiveStreamEventsSettings {
        atLeast("max-connections", maxConnections, 1);
        atLeast("max-connections-per-user", maxPerUser, 1);
        positive("min-interval", minInterval);
        positive("heartbeat", heartbeat);
        positive("max-duration", maxDuration);
    }

    static LiveStreamEventsSettings create(Config node) {
        LiveStreamEventsSettings d = DEFAULTS;
        return new LiveStreamEventsSettings(
                node.get("max-connections").asInt().orElse(d.maxConnections),
                node.get("max-connections-per-user").asInt().orElse(d.maxPerUser),
                node.get("min-interval").as(Duration.class).orElse(d.minInterval),
                node.get("heartbeat").as(Duration.class).orElse(d.heartbeat),
                node.get("max-duration").as(Duration.class).orElse(d.maxDuration));
    }

    private static void positive(String key, Duration value) {
        Objects.requireNonNull(value, key);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(
                    "gateway.live-streams.events." + key + " must be positive, was " + value);
        }
    }

    private static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    "gateway.live-streams.events." + key + " must be at least " + min + ", was " + value);
        }
    }
}
