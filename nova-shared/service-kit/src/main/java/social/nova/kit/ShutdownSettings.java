package social.nova.kit;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * Graceful shutdown timing (config block {@code shutdown}).
 *
 * @param propagationDelay after deregistering, how long to keep serving so that callers' Consul
 *                         watches drop this instance before it stops ({@code propagation-delay}, 1s)
 * @param drainTimeout     the longest wait for in-flight calls to finish ({@code drain-timeout}, 10s)
 */
public record ShutdownSettings(Duration propagationDelay, Duration drainTimeout) {
    public static ShutdownSettings create(Config shutdown) {
        return new ShutdownSettings(
                shutdown.get("propagation-delay").as(Duration.class).orElse(Duration.ofSeconds(1)),
                shutdown.get("drain-timeout").as(Duration.class).orElse(Duration.ofSeconds(10)));
    }
}
