package social.nova.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** auth-service registers with a real Consul agent, whose own gRPC and HTTP checks pass. */
class AuthConsulIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void registersWithPassingGrpcAndHttpChecksAndLeavesOnShutdown() throws Exception {
        var consul = SharedContainers.consul();
        URI consulUri = SharedContainers.consulHttpUri();
        String hostSeenByConsul = SharedContainers.hostAddressSeenFrom(consul);
        AuthFixture auth = AuthFixture.start(Map.of(
                "server.host",
                hostSeenByConsul,
                "service.advertise-address",
                hostSeenByConsul,
                "consul.register",
                "true",
                "consul.url",
                consulUri.toString(),
                "consul.checks.interval",
                "PT1S"));
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode checks = get(consulUri.resolve("/v1/health/checks/auth-service"));
                assertThat(checks).hasSize(2);
                assertThat(checks.findValuesAsText("Type")).containsExactlyInAnyOrder("grpc", "http");
                assertThat(checks.findValuesAsText("Status")).containsOnly("passing");
            });
            JsonNode service =
                    get(consulUri.resolve("/v1/catalog/service/auth-service")).get(0);
            assertThat(service.get("ServicePort").asInt()).isEqualTo(auth.service.port());
            assertThat(service.get("ServiceMeta").get("proto-package").asText()).isEqualTo("nova.auth.v1");
            assertThat(service.get("ServiceMeta").get("version").asText()).isEqualTo("0.3.0");
            assertThat(service.get("ServiceTags").toString()).contains("grpc");
        } finally {
            auth.close();
        }
        assertThat(get(consulUri.resolve("/v1/catalog/service/auth-service"))).isEmpty();
    }

    private static JsonNode get(URI uri) throws Exception {
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
