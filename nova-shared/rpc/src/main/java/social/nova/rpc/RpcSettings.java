package social.nova.rpc;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;

/**
 * Settings of {@link NovaClients}, read from the {@code rpc} config node:
 *
 * <pre>
 * rpc:
 *   shutdown-timeout: PT5S          # close(): wait this long for calls in flight
 *   defaults:                       # every target
 *     deadlines: { default: PT5S }
 *     circuit-breaker: { failure-rate-threshold: 50, ... }
 *     retry: { max-attempts: 3, ... }
 *     bulkhead: { max-concurrent-calls: 100, ... }
 *     channel: { keepalive-time: PT5M, ... }
 *   clients:
 *     user-service:                 # overrides for one target, key by key
 *       circuit-breaker: { failure-rate-threshold: 30 }
 * </pre>
 *
 * @param defaults        the settings of every target without its own block
 * @param clients         per target service, the defaults with that target's overrides applied
 * @param shutdownTimeout how long {@link NovaClients#close()} waits for calls in flight
 */
public record RpcSettings(ClientSettings defaults, Map<String, ClientSettings> clients, Duration shutdownTimeout) {

    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    /** Built-in defaults for every target. */
    public static final RpcSettings DEFAULTS =
            new RpcSettings(ClientSettings.DEFAULTS, Map.of(), DEFAULT_SHUTDOWN_TIMEOUT);

    public RpcSettings {
        clients = Map.copyOf(clients);
    }

    /** Reads the {@code rpc} node (pass {@code config.get("rpc")}); absent keys take the defaults. */
    public static RpcSettings create(Config rpc) {
        ClientSettings defaults = ClientSettings.create(rpc.get("defaults"), ClientSettings.DEFAULTS);
        Map<String, ClientSettings> clients = new HashMap<>();
        rpc.get("clients")
                .asNodeList()
                .orElse(List.of())
                .forEach(client -> clients.put(client.name(), ClientSettings.create(client, defaults)));
        return new RpcSettings(
                defaults, clients, ConfigValues.positiveDuration(rpc, "shutdown-timeout", DEFAULT_SHUTDOWN_TIMEOUT));
    }

    /** The settings of one target service. */
    public ClientSettings forTarget(String targetService) {
        return clients.getOrDefault(targetService, defaults);
    }

    /** These settings with {@code target}'s replaced (for tests and programmatic set-ups). */
    public RpcSettings withClient(String targetService, ClientSettings settings) {
        Map<String, ClientSettings> copy = new HashMap<>(clients);
        copy.put(targetService, settings);
        return new RpcSettings(defaults, copy, shutdownTimeout);
    }
}
