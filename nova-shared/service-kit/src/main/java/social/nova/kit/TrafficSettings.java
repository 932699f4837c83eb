package social.nova.kit;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * How much work one service port takes on at once (config block {@code traffic}). What is over the
 * limit is answered at once, 503 with {@code Retry-After} (gRPC callers see UNAVAILABLE), instead of
 * being queued without bound until the container runs out of memory.
 *
 * @param tcpNoDelay            TCP_NODELAY on every accepted connection ({@code tcp-no-delay}, true):
 *                              without it a small response waits for the client's delayed ACK, about
 *                              40 ms on every keep-alive HTTP/1.1 response and HTTP/2 frame
 * @param maxConcurrentRequests requests (HTTP/1.1 requests and HTTP/2 streams, gRPC calls included)
 *                              served at once on the port ({@code max-concurrent-requests}, 64)
 * @param queueLength           requests that may wait for a slot beyond that ({@code queue-length}, 64)
 * @param queueTimeout          the longest such a wait ({@code queue-timeout}, 100 ms)
 * @param maxTcpConnections     open connections the port accepts; more wait in the kernel's backlog
 *                              ({@code max-tcp-connections}, 1024)
 * @param retryAfter            the {@code Retry-After} of a refused request ({@code retry-after}, 1 s)
 */
public record TrafficSettings(
        boolean tcpNoDelay,
        int maxConcurrentRequests,
        int queueLength,
        Duration queueTimeout,
        int maxTcpConnections,
        Duration retryAfter) {
    public TrafficSettings {
        require(maxConcurrentRequests > 0, "traffic.max-concurrent-requests must be positive");
        require(queueLength >= 0, "traffic.queue-length must not be negative");
        require(!queueTimeout.isNegative(), "traffic.queue-timeout must not be negative");
        require(maxTcpConnections > 0, "traffic.max-tcp-connections must be positive");
        require(retryAfter.toSeconds() >= 1, "traffic.retry-after must be at least PT1S (Retry-After counts seconds)");
    }

    public static TrafficSettings create(Config traffic) {
        return new TrafficSettings(
                traffic.get("tcp-no-delay").asBoolean().orElse(true),
                traffic.get("max-concurrent-requests").asInt().orElse(64),
                traffic.get("queue-length").asInt().orElse(64),
                traffic.get("queue-timeout").as(Duration.class).orElse(Duration.ofMillis(100)),
                traffic.get("max-tcp-connections").asInt().orElse(1024),
                traffic.get("retry-after").as(Duration.class).orElse(Duration.ofSeconds(1)));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
