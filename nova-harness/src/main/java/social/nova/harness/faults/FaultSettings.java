package social.nova.harness.faults;

import java.time.Duration;
import java.util.Objects;

import io.helidon.config.Config;

/**
 * The bounds of the fault tests. Keys under {@code nova.faults} (environment {@code NOVA_FAULTS_RATE}...):
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>rate</td><td>20</td><td>requests per second while an instance is killed</td></tr>
 *   <tr><td>duration</td><td>PT10S</td><td>how long that load runs</td></tr>
 *   <tr><td>kill-after</td><td>PT3S</td><td>when, into the load, the instance is killed</td></tr>
 *   <tr><td>max-error-rate</td><td>0.01</td><td>share of requests that may fail because of the kill</td></tr>
 *   <tr><td>failover-within</td><td>PT2S</td><td>after the kill, the dead instance must be out of the callers'
 *       balancing by then</td></tr>
 *   <tr><td>fail-fast-within</td><td>PT0.1S</td><td>how fast the gateway answers 503 once the breaker is open</td></tr>
 *   <tr><td>recovery-timeout</td><td>PT60S</td><td>longest wait for the fleet to recover after a fault</td></tr>
 *   <tr><td>request-timeout</td><td>PT10S</td><td>longest wait for one answer</td></tr>
 *   <tr><td>flood-connections</td><td>16</td><td>connections of the flood, each sending as fast as it is answered</td></tr>
 *   <tr><td>flood-duration</td><td>PT30S</td><td>how long the flood lasts</td></tr>
 *   <tr><td>flood-fast-refusal</td><td>PT1S</td><td>slowest 429/503 another client may get during the flood</td></tr>
 *   <tr><td>flood-recovery</td><td>PT1S</td><td>after the flood, everything must serve normally within this</td></tr>
 * </table>
 */
public record FaultSettings(
        double rate,
        Duration duration,
        Duration killAfter,
        double maxErrorRate,
        Duration failoverWithin,
        Duration failFastWithin,
        Duration recoveryTimeout,
        Duration requestTimeout,
        int floodConnections,
        Duration floodDuration,
        Duration floodFastRefusal,
        Duration floodRecovery) {
    public static final double DEFAULT_RATE = 20;
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KILL_AFTER = Duration.ofSeconds(3);
    public static final double DEFAULT_MAX_ERROR_RATE = 0.01;
    public static final Duration DEFAULT_FAILOVER_WITHIN = Duration.ofSeconds(2);
    public static final Duration DEFAULT_FAIL_FAST_WITHIN = Duration.ofMillis(100);
    public static final Duration DEFAULT_RECOVERY_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_FLOOD_CONNECTIONS = 16;
    public static final Duration DEFAULT_FLOOD_DURATION = Duration.ofSeconds(30);
    public static final Duration DEFAULT_FLOOD_FAST_REFUSAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_FLOOD_RECOVERY = Duration.ofSeconds(1);

    public FaultSettings {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("nova.faults.rate must be positive, was " + rate);
        }
        if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
            throw new IllegalArgumentException("nova.faults.max-error-rate must be within 0..1, was " + maxErrorRate);
        }
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(killAfter, "kill-after");
        Objects.requireNonNull(failoverWithin, "failover-within");
        Objects.requireNonNull(failFastWithin, "fail-fast-within");
        Objects.requireNonNull(recoveryTimeout, "recovery-timeout");
        Objects.requireNonNull(requestTimeout, "request-timeout");
        if (floodConnections < 1) {
            throw new IllegalArgumentException(
                    "nova.faults.flood-connections must be at least 1, was " + floodConnections);
        }
        Objects.requireNonNull(floodDuration, "flood-duration");
        Objects.requireNonNull(floodFastRefusal, "flood-fast-refusal");
        Objects.requireNonNull(floodRecovery, "flood-recovery");
        if (killAfter.compareTo(duration) >= 0) {
            throw new IllegalArgumentException("nova.faults.kill-after (" + killAfter
                    + ") must fall within nova.faults.duration (" + duration + ")");
        }
    }

    public static FaultSettings create(Config faults) {
        return new FaultSettings(
                faults.get("rate").asDouble().orElse(DEFAULT_RATE),
                faults.get("duration").as(Duration.class).orElse(DEFAULT_DURATION),
                faults.get("kill-after").as(Duration.class).orElse(DEFAULT_KILL_AFTER),
                faults.get("max-error-rate").asDouble().orElse(DEFAULT_MAX_ERROR_RATE),
                faults.get("failover-within").as(Duration.class).orElse(DEFAULT_FAILOVER_WITHIN),
                faults.get("fail-fast-within").as(Duration.class).orElse(DEFAULT_FAIL_FAST_WITHIN),
                faults.get("recovery-timeout").as(Duration.class).orElse(DEFAULT_RECOVERY_TIMEOUT),
                faults.get("request-timeout").as(Duration.class).orElse(DEFAULT_REQUEST_TIMEOUT),
                faults.get("flood-connections").asInt().orElse(DEFAULT_FLOOD_CONNECTIONS),
                faults.get("flood-duration").as(Duration.class).orElse(DEFAULT_FLOOD_DURATION),
                faults.get("flood-fast-refusal").as(Duration.class).orElse(DEFAULT_FLOOD_FAST_REFUSAL),
                faults.get("flood-recovery").as(Duration.class).orElse(DEFAULT_FLOOD_RECOVERY));
    }
}
