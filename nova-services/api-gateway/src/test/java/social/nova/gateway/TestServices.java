package social.nova.gateway;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.testcontainers.consul.ConsulContainer;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;

/**
 * The gateway started in the test JVM on its application.yaml and the shared Redis, registered in
 * the given Consul agent at an address the agent can reach. What it calls is stood in for by
 * registered stubs ({@link GatewayFixture}, nova-service-testing): no other service's jar.
 */
final class TestServices {
    /** The gateway signs forwarded client addresses with it, as FORWARDING_SECRET in a real stack. */
    static final String FORWARDING_SECRET = "gateway-tests-forwarding-secret-0123456789";

    private TestServices() {}

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
