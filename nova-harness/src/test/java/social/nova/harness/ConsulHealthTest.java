package social.nova.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading Consul's answers, against a loopback server that answers as Consul 1.8 does. */
class ConsulHealthTest {
    private static final String TWO_INSTANCES = """
            [
              {"Node": {"Node": "n1"},
               "Service": {"ID": "auth-service-1a", "Service": "auth-service", "Address": "auth-service-1", "Port": 8084,
                           "Tags": ["grpc", "nova"], "Meta": {"version": "0.1.0", "owner": "identity-team"},
                           "TaggedAddresses": {"wan": {"Address": "127.0.0.1", "Port": 49153}}},
               "Checks": [
                 {"CheckID": "serfHealth", "Status": "passing", "Output": "Agent alive", "ServiceID": "", "Type": ""},
                 {"CheckID": "service:auth-service-1a:grpc", "Status": "passing", "Output": "ok", "ServiceID": "auth-service-1a", "Type": "grpc"},
                 {"CheckID": "service:auth-service-1a:ready", "Status": "passing", "Output": "HTTP 200", "ServiceID": "auth-service-1a", "Type": "http"}
               ]},
              {"Node": {"Node": "n1"},
               "Service": {"ID": "auth-service-2b", "Service": "auth-service", "Address": "auth-service-2", "Port": 8084,
                           "Tags": ["grpc"], "Meta": {}},
               "Checks": [
                 {"CheckID": "serfHealth", "Status": "passing", "Output": "Agent alive", "ServiceID": "", "Type": ""},
                 {"CheckID": "service:auth-service-2b:grpc", "Status": "critical", "Output": "rpc error:\\n  connection refused", "ServiceID": "auth-service-2b", "Type": "grpc"},
                 {"CheckID": "service:auth-service-2b:ready", "Status": "passing", "Output": "", "ServiceID": "auth-service-2b", "Type": "http"}
               ]}
            ]
            """;

    private HttpServer consul;
    private ConsulHealth health;

    @BeforeEach
    void startFakeConsul() throws IOException {
        consul = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answer("/v1/health/service/auth-service", 200, TWO_INSTANCES);
        answer("/v1/catalog/services", 200, "{\"consul\": [], \"user-service\": [], \"auth-service\": [\"grpc\"]}");
        answer("/v1/status/leader", 200, "\"\"");
        answer("/v1/health/service/broken", 500, "rpc error");
        consul.start();
        health = new ConsulHealth(
                URI.create("http://127.0.0.1:" + consul.getAddress().getPort()), Duration.ofSeconds(2));
    }

    @AfterEach
    void stopFakeConsul() {
        consul.stop(0);
    }

    @Test
    void anInstancePassesOnlyWhenEveryCheckPasses() {
        var instances = health.instances("auth-service");

        assertThat(instances)
                .extracting(ConsulHealth.Instance::target)
                .containsExactly("auth-service-1:8084", "auth-service-2:8084");
        var healthy = instances.get(0);
        assertThat(healthy.passing()).isTrue();
        assertThat(healthy.serviceChecks()).extracting(ConsulHealth.Check::type).containsExactly("grpc", "http");
        assertThat(healthy.summary()).isEqualTo("passing (grpc, http)");
        assertThat(healthy.tags()).containsExactly("grpc", "nova");
        assertThat(healthy.meta()).containsEntry("owner", "identity-team");
        assertThat(healthy.hostAddress()).hasValue("127.0.0.1:49153");

        var failing = instances.get(1);
        assertThat(failing.passing()).isFalse();
        assertThat(failing.hostAddress()).isEmpty();
        assertThat(failing.check("grpc")).map(ConsulHealth.Check::status).hasValue("critical");
        assertThat(failing.summary()).isEqualTo("grpc critical: rpc error: connection refused");
    }

    @Test
    void servicesLeaveConsulItselfOut() {
        assertThat(health.services()).containsExactly("auth-service", "user-service");
    }

    @Test
    void anAgentWithoutLeaderIsNotReady() {
        assertThat(health.isReady()).isFalse();
    }

    @Test
    void anErrorAnswerNamesTheRequestAndStatus() {
        assertThatThrownBy(() -> health.instances("broken"))
                .hasMessageContaining("/v1/health/service/broken")
                .hasMessageContaining("500")
                .hasMessageContaining("rpc error");
    }

    private void answer(String path, int status, String body) {
        consul.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }
}
