package social.nova.content;

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
import social.nova.testing.SharedContainers;

/**
 * Config for a service started in this JVM. Several services share the test class path, so each
 * one's {@code application.yaml} is read from the jar (or folder) its {@code Main} came from, not
 * the first one the class path offers.
 */
final class ServiceConfigs {
    private ServiceConfigs() {
    }

    /** The service's own application.yaml, the shared containers' addresses, then {@code overrides}. */
    static Config config(Class<?> main, String schema, String role, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(SharedContainers.serviceConfig(schema, role));
        values.putAll(overrides);
        return Config.builder()
                .sources(ConfigSources.create(values), ConfigSources.create(applicationYaml(main), MediaTypes.APPLICATION_X_YAML))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }

    /** Config that registers the service in the shared Consul, reachable from its container. */
    static Map<String, String> registeredInConsul() {
        return registeredIn(SharedContainers.consul());
    }

    /** Config that registers the service in {@code consul}, reachable from its container. */
    static Map<String, String> registeredIn(ConsulContainer consul) {
        String host = SharedContainers.hostAddressSeenFrom(consul);
        return Map.of(
                "server.host", host,
                "service.advertise-address", host,
                "consul.register", "true",
                "consul.url", SharedContainers.consulHttpUri(consul).toString(),
                "consul.checks.interval", "PT1S");
    }

    private static String applicationYaml(Class<?> main) {
        try {
            URL location = main.getProtectionDomain().getCodeSource().getLocation();
            String base = location.toString();
            URL yaml = base.endsWith(".jar")
                    ? URI.create("jar:" + base + "!/application.yaml").toURL()
                    : URI.create(base.endsWith("/") ? base : base + "/").resolve("application.yaml").toURL();
            try (InputStream in = yaml.openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read application.yaml of " + main.getName(), e);
        }
    }
}
