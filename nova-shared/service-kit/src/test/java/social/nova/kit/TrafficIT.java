package social.nova.kit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.kit.KitFixture.call;
import static social.nova.kit.KitFixture.failure;

/**
 * A port takes on at most {@code traffic.max-concurrent-requests} at once, gRPC calls and HTTP
 * requests alike; what is over the limit is answered at once, never queued without bound.
 */
class TrafficIT {
    /** As apps and load tools speak to a service: HTTP/1.1, no h2c upgrade. */
    private static final HttpClient HTTP_1_1 =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Long enough to hold the only slot while the test asks for another. */
    private static final long HOLD_MILLIS = 10_000;

    @Test
    void overTheLimitHttpGets503WithRetryAfterAndGrpcGetsUnavailableAtOnceThenBothAreServedAgain() throws Exception {
        try (KitFixture service = KitFixture.start(
                Map.of(
                        "consul.register",
                        "false",
                        "traffic.max-concurrent-requests",
                        "1",
                        "traffic.queue-length",
                        "0",
                        "traffic.retry-after",
                        "PT2S"),
                false)) {
            ListenableFuture<String> holder = ClientCalls.futureUnaryCall(
                    service.channel.newCall(ProbeService.SLOW, CallOptions.DEFAULT), String.valueOf(HOLD_MILLIS));
            await().atMost(Duration.ofSeconds(5)).until(() -> service.probe.invocations(ProbeService.SLOW) == 1);

            HttpResponse<String> refused = HTTP_1_1.send(
                    HttpRequest.newBuilder(
                                    URI.create("http://" + service.host + ":" + service.port + "/observe/health/live"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(refused.body()).contains("\"code\":\"UNAVAILABLE\"", "\"retryAfterSeconds\":2");
            var busy = failure(service.channel, ProbeService.INSPECT);
            assertThat(busy.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(busy.getStatus().getDescription()).isEqualTo("the server is busy; retry after 2 s");
            assertThat(NovaException.from(busy).retryAfter()).hasValue(Duration.ofSeconds(2));
            assertThat(service.grpcHealth(""))
                    .as("Consul's check is never refused")
                    .isEqualTo(ServingStatus.SERVING);
            assertThat(holder).as("the call holding the slot is still served").isNotDone();

            assertThat(holder.get(HOLD_MILLIS * 3, TimeUnit.MILLISECONDS)).isEqualTo("done");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> service.http("/observe/health/live", "application/json")
                                    .statusCode()
                            == 200);
            assertThat(call(service.channel, ProbeService.INSPECT, "")).isNotEmpty();
        }
    }
}
