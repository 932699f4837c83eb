package social.nova.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.testcontainers.consul.ConsulContainer;

/**
 * Config for a Nova service started in a test JVM. Several services can share a test class path
 * (the gateway's tests start them all), each with an {@code application.yaml} at its root, so a
 * service's file is read from the jar or folder its {@code Main} class came from, never as "the
 * first on the class path". Environment variables and system properties are not read: a test
 * sees only the file and the values it passes.
 */
public final class ServiceConfigs {
    private static final String APPLICATION_YAML = "application.yaml";

    private ServiceConfigs() {}

    /** The application.yaml packaged with {@code main}, alone: what the service ships with. */
    public static Config applicationYaml(Class<?> main) {
        return config(main, Map.of());
    }

    /** {@code values} over the application.yaml packaged with {@code main}. */
    public static Config config(Class<?> main, Map<String, String> values) {
        return Config.builder()
                .sources(ConfigSources.create(values), ConfigSources.create(read(main), MediaTypes.APPLICATION_X_YAML))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }

    /**
     * A service on the shared containers: its application.yaml, below
     * {@link SharedContainers#serviceConfig(String, String) its schema and role in the shared
     * PostgreSQL, the shared Redis, a random loopback port, no Consul registration} and the
     * development profile ({@code nova.profile=dev}: the service kit allows the built-in
     * development secrets), below {@code overrides}.
     */
    public static Config config(Class<?> main, String schema, String role, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(SharedContainers.serviceConfig(schema, role));
        values.put("nova.profile", "dev");
        values.putAll(overrides);
        return config(main, values);
    }

    /**
     * Overrides that register a service in {@code consul} with checks every second, listening and
     * advertised on the address at which the agent's checks reach this host.
     */
    public static Map<String, String> registeredIn(ConsulContainer consul) {
        String hostSeenByConsul = SharedContainers.hostAddressSeenFrom(consul);
        return Map.of(
                "server.host",
                hostSeenByConsul,
                "service.advertise-address",
                hostSeenByConsul,
                "consul.register",
                "true",
                "consul.url",
                SharedContainers.consulHttpUri(consul).toString(),
                "consul.checks.interval",
                "PT1S");
    }

    private static String read(Class<?> main) {
        try {
            String base =
                    main.getProtectionDomain().getCodeSource().getLocation().toString();
            URL yaml = base.endsWith(".jar")
                    ? URI.create("jar:" + base + "!/" + APPLICATION_YAML).toURL()
                    : URI.create(base.endsWith("/") ? base : base + "/")
                            .resolve(APPLICATION_YAML)
                            .toURL();
            try (InputStream in = yaml.openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the " + APPLICATION_YAML + " packaged with " + main.getName(), e);
        }
    }
}
