package social.nova.gateway;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.testcontainers.consul.ConsulContainer;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.testing.SharedContainers;

/**
 * Real Nova services started in the test JVM, each on its own application.yaml (read from its
 * jar, since every service has one at the class path root), the shared PostgreSQL and Redis, and
 * registered in the given Consul agent at an address the agent can reach, so that the gateway
 * finds them the way it does in production.
 */
final class TestServices {
    private TestServices() {
    }

    static RunningService auth(ConsulContainer consul, Map<String, String> overrides) {
        // Every test request reaches auth-service from the same address; its per-client limits
        // are auth-service's own business and tested there.
        return start(consul, "auth", "auth_service", social.nova.auth.Main.class, social.nova.auth.Main::start,
                Map.of("auth.passwords.memory-kib", "4096",
                        "auth.limits.login-per-client.limit", "100000",
                        "auth.limits.register-per-client.limit", "100000"), overrides);
    }

    static RunningService users(ConsulContainer consul, Map<String, String> overrides) {
        return start(consul, "users", "users_service", social.nova.user.Main.class, social.nova.user.Main::start,
                Map.of("user.limits.follow.limit", "100000"), overrides);
    }

    static RunningService content(ConsulContainer consul, Map<String, String> overrides) {
        return start(consul, "content", "content_service", social.nova.content.Main.class,
                social.nova.content.Main::start, Map.of("content.limits.create-post.limit", "100000"), overrides);
    }

    /** A service on its own schema and role, registered in {@code consul}, with test-sized values. */
    private static RunningService start(ConsulContainer consul, String schema, String role, Class<?> main,
                                        Function<ServiceKit, RunningService> starter,
                                        Map<String, String> testValues, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(SharedContainers.serviceConfig(schema, role));
        values.putAll(registeredIn(consul));
        values.putAll(testValues);
        values.putAll(overrides);
        return starter.apply(ServiceKit.create(config(main, values)));
    }

    static RunningService gateway(ConsulContainer consul, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(registeredIn(consul));
        values.put("server.port", "0");
        values.put("redis.host", SharedContainers.redis().getHost());
        values.put("redis.port", String.valueOf(SharedContainers.redis().getRedisPort()));
        values.put("shutdown.propagation-delay", "PT0S");
        values.put("gateway.rate-limit.limit", "100000");
        values.putAll(overrides);
        return Main.start(ServiceKit.create(config(Main.class, values)));
    }

    /** Registration in {@code consul} at the address its checks reach, with 1 s checks. */
    static Map<String, String> registeredIn(ConsulContainer consul) {
        String hostSeenByConsul = SharedContainers.hostAddressSeenFrom(consul);
        return Map.of(
                "server.host", hostSeenByConsul,
                "service.advertise-address", hostSeenByConsul,
                "consul.register", "true",
                "consul.url", SharedContainers.consulHttpUri(consul).toString(),
                "consul.checks.interval", "PT1S");
    }

    /** The HTTP base URI of a service started here. */
    static URI baseUri(ConsulContainer consul, RunningService service) {
        return URI.create("http://" + SharedContainers.hostAddressSeenFrom(consul) + ":" + service.port());
    }

    /** Test values over the application.yaml packaged with {@code mainClass}. */
    static Config config(Class<?> mainClass, Map<String, String> values) {
        return Config.builder()
                .sources(ConfigSources.create(values), ConfigSources.url(applicationYaml(mainClass)))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }

    private static URL applicationYaml(Class<?> mainClass) {
        URL location = mainClass.getProtectionDomain().getCodeSource().getLocation();
        try {
            return location.getPath().endsWith(".jar")
                    ? URI.create("jar:" + location + "!/application.yaml").toURL()
                    : URI.create(location + "application.yaml").toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException("no application.yaml beside " + mainClass, e);
        }
    }
}
