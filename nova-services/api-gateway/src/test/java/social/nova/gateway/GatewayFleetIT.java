package social.nova.gateway;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.common.v1.ServingStatus;
import social.nova.contracts.gateway.v1.CircuitState;
import social.nova.contracts.gateway.v1.DiscoveryServiceGrpc;
import social.nova.contracts.gateway.v1.GetHealthRequest;
import social.nova.contracts.gateway.v1.HealthServiceGrpc;
import social.nova.contracts.gateway.v1.ListServicesRequest;
import social.nova.servicetesting.RegisteredStub;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operator's view: which instances Consul has, and the state of each service behind the gateway. */
class GatewayFleetIT {
    private final GatewayFixture fixture = GatewayFixture.shared();
    private final GatewayClient client = fixture.client;
    private final ManagedChannel channel = ManagedChannelBuilder.forAddress(
                    SharedContainers.hostAddressSeenFrom(fixture.consul), fixture.gateway.port())
            .usePlaintext()
            .build();

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void servicesListsEveryInstanceWithItsHealthAndVersion() {
        String token = fixture.signIn().accessToken();
        var answer = client.get("/api/v1/services", token);

        assertThat(answer.status()).isEqualTo(200);
        JsonNode auth = service(answer.json(), "auth-service");
        JsonNode instance = auth.path("instances").get(0);
        assertThat(instance.path("id").asText()).startsWith("auth-service-");
        assertThat(instance.path("address").asText()).isEqualTo(SharedContainers.hostAddressSeenFrom(fixture.consul));
        assertThat(instance.path("port").asInt())
                .isEqualTo(fixture.auth.stub().stubs().port());
        assertThat(instance.path("status").asText()).isEqualTo("SERVING");
        assertThat(instance.path("version").asText())
                .as("the registration's version meta")
                .isEqualTo(RegisteredStub.VERSION);
        assertThat(service(answer.json(), "api-gateway").path("instances").findValuesAsText("port"))
                .contains(String.valueOf(fixture.gateway.port()));
        assertThat(answer.json().path("services").findValuesAsText("name"))
                .doesNotContain("consul")
                .isSorted();
    }

    @Test
    void healthGivesEachDownstreamServiceItsStateAndCircuit() {
        var answer = client.get("/health", null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("status").asText()).isIn("SERVING", "DEGRADED");
        JsonNode auth = service(answer.json(), "auth-service");
        assertThat(auth.path("status").asText()).isEqualTo("SERVING");
        assertThat(auth.path("healthyInstances").asInt()).isEqualTo(1);
        assertThat(auth.path("totalInstances").asInt()).isEqualTo(1);
        assertThat(auth.path("circuitBreaker").asText()).isEqualTo("CLOSED");
        assertThat(answer.json().path("services").findValuesAsText("name"))
                .containsExactly(
                        "auth-service",
                        "content-service",
                        "feed-service",
                        "media-service",
                        "messaging-service",
                        "search-service",
                        "streaming-service",
                        "user-service");
    }

    @Test
    void theSameViewIsServedOverGrpc() {
        var health = HealthServiceGrpc.newBlockingStub(channel)
                .getHealth(GetHealthRequest.newBuilder()
                        .addServiceNames("auth-service")
                        .build());
        assertThat(health.getStatus()).isEqualTo(ServingStatus.SERVING_STATUS_SERVING);
        assertThat(health.getServices(0).getCircuitState()).isEqualTo(CircuitState.CIRCUIT_STATE_CLOSED);

        assertThatThrownBy(() -> HealthServiceGrpc.newBlockingStub(channel)
                        .getHealth(GetHealthRequest.newBuilder()
                                .addServiceNames("no-such-service")
                                .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));

        var discovery = DiscoveryServiceGrpc.newBlockingStub(channel);
        assertThatThrownBy(() -> discovery.listServices(ListServicesRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

        Metadata bearer = new Metadata();
        bearer.put(
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + fixture.signIn().accessToken());
        var services = DiscoveryServiceGrpc.newBlockingStub(
                        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(bearer)))
                .listServices(ListServicesRequest.newBuilder()
                        .setServiceName("auth-service")
                        .build());
        assertThat(services.getServicesList())
                .singleElement()
                .satisfies(service -> assertThat(service.getInstances(0).getPort())
                        .isEqualTo(fixture.auth.stub().stubs().port()));
        assertThat(services.hasRefreshedAt()).isTrue();
    }

    private static JsonNode service(JsonNode answer, String name) {
        return GatewayClient.byName(answer.path("services"), name);
    }
}
