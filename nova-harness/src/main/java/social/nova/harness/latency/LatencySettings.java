package social.nova.harness.latency;

import java.time.Duration;
import java.util.Objects;

import io.helidon.config.Config;

/**
 * The bounded load of a latency run. Keys under {@code nova.latency} (environment
 * {@code NOVA_LATENCY_RATE}...):
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>rate</td><td>8</td><td>requests per second, started on a fixed schedule whatever the answers
 *       take (below the gateway's per-client limit of 600 a minute)</td></tr>
 *   <tr><td>warmup</td><td>PT5S</td><td>load before measuring (JIT, connections, caches)</td></tr>
 *   <tr><td>duration</td><td>PT20S</td><td>measured load</td></tr>
 *   <tr><td>request-timeout</td><td>PT10S</td><td>longest wait for one answer</td></tr>
 *   <tr><td>threshold</td><td>PT0.5S</td><td>the plan's exit criterion: gRPC calls across services must
 *       stay under it</td></tr>
 *   <tr><td>budget</td><td>PT0.05S</td><td>our own budget: the p99 of every gRPC edge must stay under it</td></tr>
 * </table>
 */
public record LatencySettings(double rate, Duration warmup, Duration duration, Duration requestTimeout, Duration threshold,
                              Duration budget) {
    public static final double DEFAULT_RATE = 8;
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(5);
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(20);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_THRESHOLD = Duration.ofMillis(500);
    public static final Duration DEFAULT_BUDGET = Duration.ofMillis(50);

    public LatencySettings {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("nova.latency.rate must be positive, was " + rate);
        }
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(requestTimeout, "request-timeout");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(budget, "budget");
        if (warmup.isNegative() || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("nova.latency.warmup must be >= 0 and nova.latency.duration > 0");
        }
    }

    public static LatencySettings create(Config latency) {
        return new LatencySettings(
                latency.get("rate").asDouble().orElse(DEFAULT_RATE),
                latency.get("warmup").as(Duration.class).orElse(DEFAULT_WARMUP),
                latency.get("duration").as(Duration.class).orElse(DEFAULT_DURATION),
                latency.get("request-timeout").as(Duration.class).orElse(DEFAULT_REQUEST_TIMEOUT),
                latency.get("threshold").as(Duration.class).orElse(DEFAULT_THRESHOLD),
                latency.get("budget").as(Duration.class).orElse(DEFAULT_BUDGET));
    }

    /** How many requests the whole run starts (warm-up included): the load is bounded. */
    public long totalRequests() {
        return Math.round(rate * (warmup.toNanos() + duration.toNanos()) / 1e9);
    }
}
