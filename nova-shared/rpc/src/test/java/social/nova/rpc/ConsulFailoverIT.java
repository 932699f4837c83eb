package social.nova.rpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.discovery.ConsulRegistrar;
import social.nova.discovery.ConsulServiceDirectory;
import social.nova.discovery.ConsulSettings;
import social.nova.discovery.InstanceRegistration;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.rpc.EchoService.GET;
import static social.nova.rpc.TestClients.call;

/**
 * Two real gRPC servers registered in a real Consul agent (checks every second); a client on
 * {@code consul:///<service>} spreads calls over both, and when one dies or fails its health
 * check the traffic moves to the other.
 */
class ConsulFailoverIT {
    private static final ConsulContainer CONSUL = SharedContainers.consul();
    /** The container reaches the test JVM at its bridge gateway; the servers bind there only. */
    private static final String HOST = CONSUL.getContainerInfo()
            .getNetworkSettings()
            .getNetworks()
            .values()
            .iterator()
            .next()
            .getGateway();

    private static final ConsulSettings SETTINGS = ConsulSettings.builder()
            .url(SharedContainers.consulHttpUri())
            .checkInterval(Duration.ofSeconds(1))
            .checkTimeout(Duration.ofSeconds(1))
            .watchBlockingTime(Duration.ofSeconds(5))
            .build();
    /** Checks must run once before an instance passes (1 s interval, first run staggered). */
    private static final Duration FIRST_PASS = Duration.ofSeconds(15);

    private final String service =
            "echo-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Instance a;
    private Instance b;
    private ConsulServiceDirectory directory;
    private NovaClients clients;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        a = new Instance("a");
        b = new Instance("b");
        directory = ConsulServiceDirectory.create(SETTINGS);
        resources.add(directory);
        clients = NovaClients.create(
                TestClients.rpcConfig("defaults.retry.initial-backoff", "PT0.01S"),
                directory,
                new SimpleMeterRegistry());
        resources.add(0, clients);
        channel = clients.channel(service);
        await().atMost(FIRST_PASS).ignoreExceptions().until(() -> answeredBy(10).equals(Set.of("a", "b")));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    /** The servers that answered {@code calls} consecutive calls (every call must succeed). */
    private Set<String> answeredBy(int calls) {
        Set<String> servers = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            servers.add(call(channel, GET, "x").split(":")[0]);
        }
        return servers;
    }

    @Test
    void whenAnInstanceIsKilledTrafficMovesToTheOtherWithinASecond() {
        long killed = System.nanoTime();
        a.kill();

        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> answeredBy(10).equals(Set.of("b")));
        long movedMillis = Duration.ofNanos(System.nanoTime() - killed).toMillis();

        assertThat(movedMillis).isLessThan(1000);
        // And Consul, whose check now fails, takes it out of the directory too.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> directory.healthyInstances(service).size() == 1);
        assertThat(answeredBy(20)).containsExactly("b");
    }

    @Test
    void anInstanceFailingItsHealthCheckLeavesTheRotationThoughItStillAnswers() {
        // Both instances are in the rotation before a's check starts failing.
        await().atMost(Duration.ofSeconds(5)).until(() -> answeredBy(10).equals(Set.of("a", "b")));
        a.health.setStatus(service, ServingStatus.NOT_SERVING);

        // One check interval to notice, then the blocking query returns at once.
        await().atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> answeredBy(10).equals(Set.of("b")));
        int aHitsWhenOut = a.server.hits.get();
        assertThat(answeredBy(20)).containsExactly("b");
        assertThat(a.server.hits.get())
                .as("a, still answering, gets no call once out")
                .isEqualTo(aHitsWhenOut);

        a.health.setStatus(service, ServingStatus.SERVING);
        await().atMost(Duration.ofSeconds(5)).until(() -> answeredBy(10).equals(Set.of("a", "b")));
    }

    /** An echo server with grpc.health.v1 and an HTTP readiness endpoint, registered in Consul. */
    private final class Instance {
        final HealthStatusManager health = new HealthStatusManager();
        final EchoServer server;
        final HttpServer readiness;

        Instance(String name) {
            health.setStatus(service, ServingStatus.SERVING);
            server = EchoServer.startOn(HOST, name, health.getHealthService());
            resources.add(server);
            try {
                readiness = HttpServer.create(new InetSocketAddress(HOST, 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            readiness.createContext(InstanceRegistration.DEFAULT_READINESS_PATH, exchange -> {
                byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            readiness.start();
            resources.add(() -> readiness.stop(0));
            ConsulRegistrar registrar = ConsulRegistrar.create(
                    SETTINGS,
                    InstanceRegistration.builder(service)
                            .instanceId(service + "-" + name)
                            .address(HOST)
                            .port(server.port())
                            .readinessUrl(URI.create("http://" + HOST + ":"
                                    + readiness.getAddress().getPort() + InstanceRegistration.DEFAULT_READINESS_PATH))
                            .build());
            registrar.register();
            resources.add(registrar);
        }

        /** Like a crashed process: both servers stop at once, still registered in Consul. */
        void kill() {
            server.kill();
            readiness.stop(0);
        }
    }
}
