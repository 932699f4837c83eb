package social.nova.rpc;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.grpc.MethodDescriptor;
import io.helidon.config.Config;

/**
 * The deadline a call gets when its caller set none (config block {@code deadlines}): a map from
 * full method name ({@code nova.user.v1.UserService/GetUser}) or service name
 * ({@code nova.user.v1.UserService}, all its methods) to an ISO-8601 duration, plus {@code default}
 * for everything else (PT5S). See {@link DeadlineInterceptor}.
 *
 * <pre>
 * deadlines:
 *   default: PT5S
 *   "nova.user.v1.UserService/GetUser": PT1S
 * </pre>
 *
 * @param defaultDeadline for methods not listed
 * @param perMethod       full method name or service name to deadline
 */
public record DeadlineSettings(Duration defaultDeadline, Map<String, Duration> perMethod) {
    private static final String DEFAULT_KEY = "default";

    public static final DeadlineSettings DEFAULTS = new DeadlineSettings(Duration.ofSeconds(5), Map.of());

    public DeadlineSettings {
        perMethod = Map.copyOf(perMethod);
    }

    public static DeadlineSettings create(Config node) {
        return create(node, DEFAULTS);
    }

    /**
     * Reads {@code default} and the method entries under {@code node}; entries add to (or replace)
     * {@code fallback}'s, and an absent {@code default} keeps {@code fallback}'s.
     */
    public static DeadlineSettings create(Config node, DeadlineSettings fallback) {
        Map<String, Duration> methods = new HashMap<>(fallback.perMethod);
        // Method names contain dots, which Helidon reads as nesting: the flattened keys of the
        // detached node join them back into the full names.
        for (String name : node.detach().asMap().orElse(Map.of()).keySet()) {
            if (!name.equals(DEFAULT_KEY)) {
                methods.put(name, ConfigValues.positiveDuration(node, name, null));
            }
        }
        return new DeadlineSettings(
                ConfigValues.positiveDuration(node, DEFAULT_KEY, fallback.defaultDeadline), methods);
    }

    /** The deadline for a method: its own entry, else its service's, else the default. */
    public Duration forMethod(MethodDescriptor<?, ?> method) {
        Duration deadline = perMethod.get(method.getFullMethodName());
        if (deadline == null && method.getServiceName() != null) {
            deadline = perMethod.get(method.getServiceName());
        }
        return deadline == null ? defaultDeadline : deadline;
    }
}
