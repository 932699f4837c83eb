package social.nova.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.feed.v1.FeedServiceGrpc;
import social.nova.contracts.messaging.v1.MessagingServiceGrpc;
import social.nova.contracts.search.v1.SearchServiceGrpc;
import social.nova.contracts.streaming.v1.StreamingServiceGrpc;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.kit.RunningService;
import social.nova.servicetesting.RegisteredStub;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway in front of registered stubs of the seven services it calls (nova-service-testing),
 * in the shared Consul agent, shared by the tests that do not break anything. A test declares the
 * answers its routes need on {@link #auth}, {@link #users}, {@link #content}, {@link #feed},
 * {@link #search}, {@link #messaging} and {@link #streaming}, keyed by ids of its own, and checks what the gateway makes of them: these tests
 * are about the gateway (routing, validation, the JSON it writes, error mapping), the services'
 * behaviour is tested in their own modules and in nova-harness. They write no contract; the
 * gateway's consumer contracts come from {@link GatewayContractsIT}. Stopped by the JVM's shutdown hook.
 */
final class GatewayFixture implements AutoCloseable {
    final ConsulContainer consul;
    private final Stubs stubs;
    final StubbedAuthService auth;
    final RegisteredStub users;
    final RegisteredStub content;
    final RegisteredStub feed;
    final RegisteredStub search;
    final RegisteredStub messaging;
    final RegisteredStub streaming;
    final RunningService gateway;
    final GatewayClient client;

    /** A signed-in caller: a user id of its own and an access token signed by the auth stub. */
    record Caller(String userId, String accessToken) {
        String bearer() {
            return "Bearer " + accessToken;
        }
    }

    /** Registered stubs of the seven services the gateway calls. */
    record Stubs(
            StubbedAuthService auth,
            RegisteredStub users,
            RegisteredStub content,
            RegisteredStub feed,
            RegisteredStub search,
            RegisteredStub messaging,
            RegisteredStub streaming)
            implements AutoCloseable {
        /**
         * Starts and registers all seven in {@code consul}, writing {@code consumer}'s contracts with
         * them ({@code null}: none).
         */
        static Stubs start(String consumer, ConsulContainer consul) {
            return new Stubs(
                    StubbedAuthService.start(consumer, consul),
                    RegisteredStub.start("user-service", UserServiceGrpc.getServiceDescriptor(), consumer, consul),
                    RegisteredStub.start(
                            "content-service", ContentServiceGrpc.getServiceDescriptor(), consumer, consul),
                    RegisteredStub.start("feed-service", FeedServiceGrpc.getServiceDescriptor(), consumer, consul),
                    RegisteredStub.start("search-service", SearchServiceGrpc.getServiceDescriptor(), consumer, consul),
                    RegisteredStub.start(
                            "messaging-service", MessagingServiceGrpc.getServiceDescriptor(), consumer, consul),
                    RegisteredStub.start(
                            "streaming-service", StreamingServiceGrpc.getServiceDescriptor(), consumer, consul));
        }

        /** Deregisters and stops them; each writes its contract and fails on a call no stub matched. */
        @Override
        public void close() {
            for (AutoCloseable stub : new AutoCloseable[] {streaming, messaging, search, feed, content, users, auth}) {
                try {
                    stub.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /**
     * The gateway in front of stubs registered in {@code consul}, the stubs writing {@code consumer}'s
     * contracts ({@code null}: none).
     */
    GatewayFixture(ConsulContainer consul, String consumer) {
        this.consul = consul;
        stubs = Stubs.start(consumer, consul);
        auth = stubs.auth();
        users = stubs.users();
        content = stubs.content();
        feed = stubs.feed();
        search = stubs.search();
        messaging = stubs.messaging();
        streaming = stubs.streaming();
        gateway = TestServices.gateway(consul, Map.of());
        client = new GatewayClient(TestServices.baseUri(consul, gateway));
        awaitRouting(
                client,
                "auth-service",
                "user-service",
                "content-service",
                "feed-service",
                "search-service",
                "messaging-service",
                "streaming-service");
    }

    static GatewayFixture shared() {
        return Shared.INSTANCE;
    }

    /** A new signed-in caller. */
    Caller signIn() {
        String id = UUID.randomUUID().toString();
        return new Caller(id, auth.accessToken(id));
    }

    /** Fails if any call reached a stub that no stub matched (the stub answered UNIMPLEMENTED). */
    void assertEveryCallWasStubbed() {
        for (RegisteredStub stub : List.of(auth.stub(), users, content, feed, search, messaging, streaming)) {
            assertThat(stub.stubs().unmatched())
                    .as("calls to %s no stub matched", stub.stubs().provider())
                    .isEmpty();
        }
    }

    /** Waits until the gateway sees the services passing their checks in Consul. */
    static void awaitRouting(GatewayClient client, String... services) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    var health = client.get("/health", null).json();
                    for (String service : services) {
                        assertThat(GatewayClient.byName(health.path("services"), service)
                                        .path("status")
                                        .asText())
                                .as(service)
                                .isEqualTo("SERVING");
                    }
                });
    }

    /** Stops the gateway and the stubs, which write their contracts and fail on a call no stub matched. */
    @Override
    public void close() {
        gateway.stop();
        stubs.close();
    }

    private static final class Shared {
        // Closed at exit, after the tests checked their calls (assertEveryCallWasStubbed).
        static final GatewayFixture INSTANCE =
                ShutdownHooks.closeAtExit(new GatewayFixture(SharedContainers.consul(), null));
    }
}
