package social.nova.kit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Whether this instance should receive traffic: every registered dependency check passes
 * (its database and Redis answer) and it is not shutting down. Served as the readiness check at
 * {@code /observe/health/ready}, which Consul's HTTP check polls, and mirrored into the
 * {@code grpc.health.v1} status, which Consul's gRPC check polls.
 */
public final class Readiness implements HealthCheck {
    private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();
    private volatile boolean draining;

    /** Adds a dependency check; it must answer quickly (its own short timeout) and not throw. */
    public Readiness add(String name, BooleanSupplier check) {
        checks.put(name, check);
        return this;
    }

    /** From now on the instance reports not ready (first step of graceful shutdown). */
    public void startDraining() {
        draining = true;
    }

    public boolean isReady() {
        return !draining && checks.values().stream().allMatch(Readiness::passes);
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "dependencies";
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean up = !draining;
        if (draining) {
            details.put("shutdown", "draining");
        }
        for (var entry : checks.entrySet()) {
            boolean passes = passes(entry.getValue());
            details.put(entry.getKey(), passes ? "UP" : "DOWN");
            up &= passes;
        }
        HealthCheckResponse.Builder response = HealthCheckResponse.builder().status(up);
        details.forEach(response::detail);
        return response.build();
    }

    private static boolean passes(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
