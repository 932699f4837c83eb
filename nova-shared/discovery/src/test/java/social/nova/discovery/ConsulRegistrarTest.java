package social.nova.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.kiwiproject.consul.util.Jackson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The registration document and the registrar's behaviour when the agent is absent or says no. */
class ConsulRegistrarTest {
    private static final InstanceRegistration INSTANCE = InstanceRegistration.builder("auth-service")
            .instanceId("auth-service-1")
            .address("10.1.2.3")
            .port(8080)
            .tag("grpc")
            .version("1.4.2")
            .owner("team-identity")
            .taggedAddress("wan", new InstanceRegistration.TaggedAddress("127.0.0.1", 49153))
            .build();

    @Test
    void registrationCarriesAGrpcAndAnHttpCheckWithTheConfiguredTimings() throws IOException {
        ConsulSettings settings = ConsulSettings.builder()
                .checkInterval(Duration.ofSeconds(1))
                .checkTimeout(Duration.ofMillis(800))
                .deregisterCriticalAfter(Duration.ofMinutes(2))
                .build();

        JsonNode json = Jackson.MAPPER.readTree(AgentServiceRegistration.document(
                ConsulRegistrar.toConsulRegistration(INSTANCE, settings), INSTANCE.taggedAddresses()));

        assertThat(json.get("Id").asText()).isEqualTo("auth-service-1");
        assertThat(json.get("Name").asText()).isEqualTo("auth-service");
        assertThat(json.get("Address").asText()).isEqualTo("10.1.2.3");
        assertThat(json.get("Port").asInt()).isEqualTo(8080);
        assertThat(json.get("Tags")).hasSize(1);
        assertThat(json.get("Meta").get("version").asText()).isEqualTo("1.4.2");
        assertThat(json.get("TaggedAddresses").get("wan").get("Address").asText())
                .isEqualTo("127.0.0.1");
        assertThat(json.get("TaggedAddresses").get("wan").get("Port").asInt()).isEqualTo(49153);
        JsonNode grpc = json.get("Checks").get(0);
        assertThat(grpc.get("GRPC").asText()).isEqualTo("10.1.2.3:8080/auth-service");
        assertThat(grpc.get("GRPCUseTLS").asBoolean()).isFalse();
        assertThat(grpc.get("Interval").asText()).isEqualTo("1s");
        assertThat(grpc.get("Timeout").asText()).isEqualTo("800ms");
        assertThat(grpc.get("DeregisterCriticalServiceAfter").asText()).isEqualTo("120s");
        JsonNode http = json.get("Checks").get(1);
        assertThat(http.get("HTTP").asText()).isEqualTo("http://10.1.2.3:8080/observe/health/ready");
        assertThat(http.get("Interval").asText()).isEqualTo("1s");
        assertThat(http.get("DeregisterCriticalServiceAfter").asText()).isEqualTo("120s");
    }

    @Test
    void durationsAreWrittenTheWayGoParsesThem() {
        assertThat(ConsulRegistrar.goDuration(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(ConsulRegistrar.goDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(ConsulRegistrar.goDuration(Duration.ofMinutes(1))).isEqualTo("60s");
    }

    @Test
    void anAbsentAgentIsRetriedInTheBackgroundWithoutAnException() throws IOException {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ConsulSettings settings = ConsulSettings.builder()
                .url("http://127.0.0.1:" + freePort())
                .retryInitialBackoff(Duration.ofMillis(50))
                .retryMaxBackoff(Duration.ofMillis(100))
                .build();

        try (ConsulRegistrar registrar = ConsulRegistrar.create(settings, INSTANCE, meters)) {
            registrar.register();

            assertThat(registrar.isRegistered()).isFalse();
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(
                                    meters.counter("nova.discovery.registration.failures", "service", "auth-service")
                                            .count())
                            .isGreaterThanOrEqualTo(3));
        }
    }

    @Test
    void aRefusedRegistrationFailsAtOnceAndSaysWhy() throws IOException {
        HttpServer agent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        agent.createContext("/", exchange -> {
            byte[] body = "Permission denied: Missing service:write on auth-service".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        agent.start();
        URI url = URI.create("http://127.0.0.1:" + agent.getAddress().getPort());
        try (ConsulRegistrar registrar =
                ConsulRegistrar.create(ConsulSettings.builder().url(url).build(), INSTANCE)) {
            assertThatThrownBy(registrar::register)
                    .isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("refused to register auth-service-1")
                    .hasMessageContaining("403")
                    .hasMessageContaining("Missing service:write on auth-service")
                    .hasMessageContaining("No ACL token is configured: set consul.acl-token");
            assertThat(registrar.isRegistered()).isFalse();
        } finally {
            agent.stop(0);
        }
    }

    @Test
    void registerTwiceIsAMistake() throws IOException {
        ConsulSettings settings =
                ConsulSettings.builder().url("http://127.0.0.1:" + freePort()).build();
        try (ConsulRegistrar registrar = ConsulRegistrar.create(settings, INSTANCE)) {
            registrar.register();

            assertThatThrownBy(registrar::register)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("auth-service-1 cannot be registered again");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
