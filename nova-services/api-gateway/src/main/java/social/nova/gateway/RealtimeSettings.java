package social.nova.gateway;

import java.time.Duration;
import java.util.Objects;

import io.helidon.config.Config;

/**
 * Tunables of the real-time WebSocket bridge (config block {@code gateway.realtime}); every one has
 * a default. See the README's "Real-time bridge" section.
 *
 * @param heartbeat          WebSocket ping interval ({@code heartbeat}, PT25S)
 * @param maxConnections     open sockets on this gateway instance ({@code max-connections}, 5000: what a 512 MiB gateway holds, README)
 * @param maxPerUser         open sockets of one user ({@code max-connections-per-user}, 10)
 * @param outboundBytes      frames queued for one socket, in bytes of JSON ({@code outbound-buffer}, 65536);
 *                           the stream is read on only while the queue is below half of it
 * @param slowClientTimeout  how long queued frames may wait with no write progress before the socket is
 *                           closed with 1008 ({@code slow-client-timeout}, PT30S)
 * @param closeGrace         how long a close frame may take before the connection is dropped
 *                           ({@code close-grace}, PT5S)
 * @param initialBackoff     first wait before reconnecting a stream that ended UNAVAILABLE
 *                           ({@code reconnect.initial-backoff}, PT0.2S); doubles, with jitter
 * @param maxBackoff         longest such wait ({@code reconnect.max-backoff}, PT10S)
 * @param dedupWindow        message ids remembered per socket so a resumed stream never sends one twice
 *                           ({@code dedup-window}, 256)
 * @param streamWindowBytes  HTTP/2 flow-control window of each StreamMessages call
 *                           ({@code stream-window}, 65536)
 */
record RealtimeSettings(
        Duration heartbeat,
        int maxConnections,
        int maxPerUser,
        int outboundBytes,
        Duration slowClientTimeout,
        Duration closeGrace,
        Duration initialBackoff,
        Duration maxBackoff,
        int dedupWindow,
        int streamWindowBytes) {

    static final RealtimeSettings DEFAULTS = new RealtimeSettings(
            Duration.ofSeconds(25),
            5_000,
            10,
            64 * 1024,
            Duration.ofSeconds(30),
            Duration.ofSeconds(5),
            Duration.ofMillis(200),
            Duration.ofSeconds(10),
            256,
            64 * 1024);

    RealtimeSettings {
        positive("heartbeat", heartbeat);
        positive("slow-client-timeout", slowClientTimeout);
        positive("close-grace", closeGrace);
        positive("reconnect.initial-backoff", initialBackoff);
        positive("reconnect.max-backoff", maxBackoff);
        atLeast("max-connections", maxConnections, 1);
        atLeast("max-connections-per-user", maxPerUser, 1);
        atLeast("outbound-buffer", outboundBytes, 4096);
        atLeast("dedup-window", dedupWindow, 1);
        atLeast("stream-window", streamWindowBytes, 16 * 1024);
    }

    static RealtimeSettings create(Config node) {
        RealtimeSettings d = DEFAULTS;
        return new RealtimeSettings(
                node.get("heartbeat").as(Duration.class).orElse(d.heartbeat),
                node.get("max-connections").asInt().orElse(d.maxConnections),
                node.get("max-connections-per-user").asInt().orElse(d.maxPerUser),
                node.get("outbound-buffer").asInt().orElse(d.outboundBytes),
                node.get("slow-client-timeout").as(Duration.class).orElse(d.slowClientTimeout),
                node.get("close-grace").as(Duration.class).orElse(d.closeGrace),
                node.get("reconnect.initial-backoff").as(Duration.class).orElse(d.initialBackoff),
                node.get("reconnect.max-backoff").as(Duration.class).orElse(d.maxBackoff),
                node.get("dedup-window").asInt().orElse(d.dedupWindow),
                node.get("stream-window").asInt().orElse(d.streamWindowBytes));
    }

    private static void positive(String key, Duration value) {
        Objects.requireNonNull(value, key);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("gateway.realtime." + key + " must be positive, was " + value);
        }
    }

    private static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    "gateway.realtime." + key + " must be at least " + min + ", was " + value);
        }
    }
}
