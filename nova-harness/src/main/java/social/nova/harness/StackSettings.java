package social.nova.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import io.helidon.config.Config;
import org.testcontainers.DockerClientFactory;

/**
 * How a stack is run. Read from the {@code nova} config node, so every key has an environment
 * variable (Helidon's mapping: {@code nova.consul.port} is {@code NOVA_CONSUL_PORT}, a dash is
 * {@code _dash_}) and a system property of the same name.
 *
 * <table>
 *   <caption>Keys under {@code nova}</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>root</td><td>found upwards from the working directory</td><td>repository root (holds nova-services/)</td></tr>
 *   <tr><td>consul.port</td><td>8500 ({@code up}), 0 (tests)</td><td>host port of Consul's HTTP API and UI; 0 = any free port</td></tr>
 *   <tr><td>gateway.port</td><td>8000 ({@code up}), 0 (tests)</td><td>host port of the edge service (api-gateway)</td></tr>
 *   <tr><td>rtmp.port</td><td>1935 ({@code up}), 0 (tests)</td><td>host port of the media server's RTMP
 *       ingest (where streaming-service runs); 0 = a free port, fixed when the container is created</td></tr>
 *   <tr><td>hls.port</td><td>8090 ({@code up}), 0 (tests)</td><td>host port of the media server's HLS
 *       playback; 0 = a free port, fixed when the container is created</td></tr>
 *   <tr><td>bind-address</td><td>127.0.0.1</td><td>host address every published port binds to</td></tr>
 *   <tr><td>instances</td><td>empty</td><td>instance counts, e.g. {@code auth-service=2,api-gateway=0}</td></tr>
 *   <tr><td>checks.interval</td><td>PT1S</td><td>how often Consul runs each instance's checks</td></tr>
 *   <tr><td>start.timeout</td><td>PT3M</td><td>longest wait for one start step (infrastructure, or one wave of services)</td></tr>
 *   <tr><td>service.memory</td><td>512</td><td>memory limit of each service container, MiB (the JVM sizes itself to it: nova-parent's nova.container.jvm-options)</td></tr>
 *   <tr><td>java.options</td><td>empty</td><td>{@code JAVA_TOOL_OPTIONS} of every service container</td></tr>
 *   <tr><td>environment.&lt;service&gt;.&lt;VARIABLE&gt;</td><td>none</td><td>extra environment of every
 *       instance of one service, e.g. {@code nova.environment.api-gateway.GATEWAY_RATE_dash_LIMIT_LIMIT=6000}</td></tr>
 *   <tr><td>logs.dir</td><td>none ({@code up}), {@code nova-harness/target/stack-logs} (tests)</td><td>where
 *       {@link NovaStack#close()} saves each service container's log</td></tr>
 * </table>
 *
 * @param persistent whether the stack outlives the JVM ({@code ./nova up}) or belongs to a test run
 */
public record StackSettings(
        Path root,
        boolean persistent,
        int consulPort,
        int gatewayPort,
        int rtmpPort,
        int hlsPort,
        String bindAddress,
        Map<String, Integer> instances,
        Duration checkInterval,
        Duration startTimeout,
        int serviceMemoryMib,
        String javaOptions,
        Optional<Path> logDirectory,
        Map<String, Map<String, String>> environment) {
    public static final int UP_CONSUL_PORT = 8500;
    public static final int UP_GATEWAY_PORT = 8000;
    /** RTMP's own port: broadcasting software (OBS, ffmpeg) assumes it when a URL names none. */
    public static final int UP_RTMP_PORT = 1935;
    /** Next to the gateway's 8000 and free in Nova's port plan (services use 8000 and 8080-8089 inside the stack). */
    public static final int UP_HLS_PORT = 8090;

    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(3);
    public static final int DEFAULT_SERVICE_MEMORY_MIB = 512;
    public static final String TEST_LOG_DIRECTORY = "nova-harness/target/stack-logs";

    public StackSettings {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(bindAddress, "bind-address");
        Objects.requireNonNull(checkInterval, "checks.interval");
        Objects.requireNonNull(startTimeout, "start.timeout");
        Objects.requireNonNull(javaOptions, "java.options");
        checkPort("nova.consul.port", consulPort);
        checkPort("nova.gateway.port", gatewayPort);
        checkPort("nova.rtmp.port", rtmpPort);
        checkPort("nova.hls.port", hlsPort);
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("nova.checks.interval must be positive, was " + checkInterval);
        }
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("nova.start.timeout must be positive, was " + startTimeout);
        }
        if (serviceMemoryMib < 64) {
            throw new IllegalArgumentException(
                    "nova.service.memory is in MiB and must be at least 64, was " + serviceMemoryMib);
        }
        instances = Map.copyOf(instances);
        Objects.requireNonNull(logDirectory, "logs.dir");
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        environment.forEach((service, variables) -> copy.put(service, Map.copyOf(variables)));
        environment = Collections.unmodifiableMap(copy);
    }

    /** Settings of the stack {@code ./nova up} starts for people: fixed ports, outlives the JVM. */
    public static StackSettings forUp(Config nova) {
        return create(nova, true);
    }

    /** Settings of a test run's stack: free ports, removed when the run ends. */
    public static StackSettings forTests(Config nova) {
        return create(nova, false);
    }

    public static StackSettings create(Config nova, boolean persistent) {
        Path root = nova.get("root")
                .asString()
                .map(Path::of)
                .orElseGet(StackSettings::findRoot)
                .toAbsolutePath()
                .normalize();
        return new StackSettings(
                root,
                persistent,
                nova.get("consul.port").asInt().orElse(persistent ? UP_CONSUL_PORT : 0),
                nova.get("gateway.port").asInt().orElse(persistent ? UP_GATEWAY_PORT : 0),
                nova.get("rtmp.port").asInt().orElse(persistent ? UP_RTMP_PORT : 0),
                nova.get("hls.port").asInt().orElse(persistent ? UP_HLS_PORT : 0),
                nova.get("bind-address").asString().orElse(DEFAULT_BIND_ADDRESS),
                parseInstances(nova.get("instances").asString().orElse("")),
                nova.get("checks.interval").as(Duration.class).orElse(DEFAULT_CHECK_INTERVAL),
                nova.get("start.timeout").as(Duration.class).orElse(DEFAULT_START_TIMEOUT),
                nova.get("service.memory").asInt().orElse(DEFAULT_SERVICE_MEMORY_MIB),
                nova.get("java.options").asString().orElse(""),
                nova.get("logs.dir")
                        .asString()
                        .map(Path::of)
                        .or(() -> persistent ? Optional.empty() : Optional.of(root.resolve(TEST_LOG_DIRECTORY))),
                environment(nova.get("environment")));
    }

    /** Extra environment of one service's instances (empty if none is configured). */
    public Map<String, String> environment(String service) {
        return environment.getOrDefault(service, Map.of());
    }

    /** {@code environment.<service>.<VARIABLE> = value} into service to variables. */
    static Map<String, Map<String, String>> environment(Config node) {
        Map<String, Map<String, String>> environment = new LinkedHashMap<>();
        node.asNodeList().orElse(List.of()).forEach(service -> {
            Map<String, String> variables = new TreeMap<>();
            service.asNodeList()
                    .orElse(List.of())
                    .forEach(variable -> variables.put(
                            variable.name(),
                            variable.asString()
                                    .orElseThrow(() -> new IllegalArgumentException("nova.environment." + service.name()
                                            + "." + variable.name() + " must be a plain value"))));
            environment.put(service.name(), variables);
        });
        return environment;
    }

    /**
     * The address this machine reaches published ports at: {@code localhost} for a loopback bind,
     * the Docker host for a wildcard bind (a remote engine), else the bind address itself.
     */
    public String publishedHost() {
        return switch (bindAddress) {
            case "0.0.0.0", "::" -> DockerClientFactory.instance().dockerHostIpAddress();
            case "127.0.0.1", "::1" -> "localhost";
            default -> bindAddress;
        };
    }

    /**
     * The IP this machine reaches published ports at, as services register it in Consul for
     * callers on this machine: the loopback bind address itself (an IP, so a client does not try
     * {@code ::1} for {@code localhost} first), else {@link #publishedHost()}.
     */
    public String publishedAddress() {
        return switch (bindAddress) {
            case "127.0.0.1", "::1" -> bindAddress;
            default -> publishedHost();
        };
    }

    /** Parses {@code auth-service=2,api-gateway=0} (spaces allowed). */
    static Map<String, Integer> parseInstances(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.split("=", -1);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException(
                        "nova.instances must look like 'auth-service=2,api-gateway=0', was '" + text + "'");
            }
            int count;
            try {
                count = Integer.parseInt(parts[1].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "nova.instances: '" + parts[1].strip() + "' for " + parts[0].strip() + " is not a number");
            }
            if (count < 0) {
                throw new IllegalArgumentException(
                        "nova.instances: " + parts[0].strip() + " cannot have " + count + " instances");
            }
            counts.put(parts[0].strip(), count);
        }
        return counts;
    }

    /** The nearest folder upwards from the working directory that holds {@code nova-services/}. */
    static Path findRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("nova-services"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no nova-services/ folder above " + start + "; set nova.root (NOVA_ROOT)");
    }

    private static void checkPort(String key, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(key + " must be 0..65535 (0 = any free port), was " + port);
        }
    }
}
