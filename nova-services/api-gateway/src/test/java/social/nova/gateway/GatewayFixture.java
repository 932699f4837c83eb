package social.nova.gateway;

import java.time.Duration;
import java.util.Map;

import org.testcontainers.consul.ConsulContainer;
import social.nova.kit.RunningService;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway in front of real services, all registered in the shared Consul agent, shared by the
 * tests that do not break anything. Stopped by the JVM's shutdown hook.
 */
final class GatewayFixture implements AutoCloseable {
    final ConsulContainer consul = SharedContainers.consul();
    final RunningService auth;
    final RunningService users;
    final RunningService content;
    final RunningService feed;
    final RunningService search;
    final RunningService gateway;
    final GatewayClient client;

    private GatewayFixture() {
        auth = TestServices.auth(consul, Map.of());
        users = TestServices.users(consul, Map.of());
        content = TestServices.content(consul, Map.of());
        feed = TestServices.feed(consul, Map.of());
        search = TestServices.search(consul, Map.of());
        gateway = TestServices.gateway(consul, Map.of());
        client = new GatewayClient(TestServices.baseUri(consul, gateway));
        awaitRouting(client, "auth-service", "user-service", "content-service", "feed-service", "search-service");
    }

    static GatewayFixture shared() {
        return Shared.INSTANCE;
    }

    /** Waits until the gateway sees the services passing their checks in Consul. */
    static void awaitRouting(GatewayClient client, String... services) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            var health = client.get("/health", null).json();
            for (String service : services) {
                assertThat(GatewayClient.byName(health.path("services"), service).path("status").asText())
                        .as(service).isEqualTo("SERVING");
            }
        });
    }

    @Override
    public void close() {
        gateway.stop();
        search.stop();
        feed.stop();
        content.stop();
        users.stop();
        auth.stop();
    }

    private static final class Shared {
        static final GatewayFixture INSTANCE = ShutdownHooks.closeAtExit(new GatewayFixture());
    }
}
