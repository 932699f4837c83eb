package social.nova.gateway;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.testcontainers.consul.ConsulContainer;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;

/**
 * Real Nova services started in the test JVM, each on its own application.yaml (read from its
 * jar by {@link ServiceConfigs}, since every service has one at the class path root), the shared
 * PostgreSQL and Redis, and registered in the given Consul agent at an address the agent can
 * reach, so that the gateway finds them the way it does in production.
 */
final class TestServices {
    /** The gateway and the services share it, as FORWARDING_SECRET in a real stack. */
    static final String FORWARDING_SECRET = "gateway-tests-forwarding-secret-0123456789";

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

    static RunningService feed(ConsulContainer consul, Map<String, String> overrides) {
        return start(consul, "feed", "feed_service", social.nova.feed.Main.class, social.nova.feed.Main::start,
                Map.of("feed.trending.interval", "PT1S"), overrides);
    }

    static RunningService search(ConsulContainer consul, Map<String, String> overrides) {
        return start(consul, "search", "search_service", social.nova.search.Main.class, social.nova.search.Main::start,
                Map.of("search.limits.search.limit", "100000"), overrides);
    }

    /** A service on its own schema and role, registered in {@code consul}, with test-sized values. */
    private static RunningService start(ConsulContainer consul, String schema, String role, Class<?> main,
                                        Function<ServiceKit, RunningService> starter,
                                        Map<String, String> testValues, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(ServiceConfigs.registeredIn(consul));
        values.put("forwarding.secret", FORWARDING_SECRET);
        values.putAll(testValues);
        values.putAll(overrides);
        return starter.apply(ServiceKit.create(ServiceConfigs.config(main, schema, role, values)));
    }

    static RunningService gateway(ConsulContainer consul, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(ServiceConfigs.registeredIn(consul));
        values.put("server.port", "0");
        values.put("redis.host", SharedContainers.redis().getHost());
        values.put("redis.port", String.valueOf(SharedContainers.redis().getRedisPort()));
        values.put("shutdown.propagation-delay", "PT0S");
        values.put("gateway.rate-limit.limit", "100000");
        values.put("forwarding.secret", FORWARDING_SECRET);
        values.putAll(overrides);
        return Main.start(ServiceKit.create(ServiceConfigs.config(Main.class, values)));
    }

    /** The HTTP base URI of a service started here. */
    static URI baseUri(ConsulContainer consul, RunningService service) {
        return URI.create("http://" + SharedContainers.hostAddressSeenFrom(consul) + ":" + service.port());
    }
}
