package social.nova.kit;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static social.nova.kit.KitFixture.failure;

/**
 * Graceful shutdown as callers and Consul see it: the instance leaves Consul and reports not
 * ready at once, finishes the calls it has, and only then stops listening.
 */
class ShutdownIT {
    private static final String NAME = "kit-draining";
    private static final long SLOW_CALL_MILLIS = 1500;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void leavesConsulAndReportsDrainingAtOnceFinishesTheCallInFlightThenRefusesConnections() throws Exception {
        Map<String, String> config = new HashMap<>(KitFixture.registeredInConsul(NAME));
        config.put("shutdown.propagation-delay", "PT0.2S");
        KitFixture service = KitFixture.start(config, false);
        CompletableFuture<Void> stopping = null;
        try {
            JsonNode registered = catalog();
            assertThat(registered).hasSize(1);
            assertThat(registered.get(0).path("ServicePort").asInt()).isEqualTo(service.port);
            assertThat(registered.get(0).path("ServiceMeta").path("version").asText())
                    .isEqualTo("1.2.3");

            ListenableFuture<String> slowCall = ClientCalls.futureUnaryCall(
                    service.channel.newCall(ProbeService.SLOW, CallOptions.DEFAULT), String.valueOf(SLOW_CALL_MILLIS));
            await().atMost(Duration.ofSeconds(5)).until(() -> service.probe.invocations(ProbeService.SLOW) == 1);

            // What drain listeners are for: long-lived connections told to go while the server runs.
            CompletableFuture<Boolean> drained = new CompletableFuture<>();
            service.kit.onDrain(() -> drained.complete(service.service.isRunning() && !slowCall.isDone()));
            stopping = CompletableFuture.runAsync(service.service::stop);

            // Deregistered first, while the call is still being served.
            await().atMost(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> catalog().isEmpty());
            assertThat(slowCall).isNotDone();
            HttpResponse<String> ready = service.http("/observe/health/ready", "application/json");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(KitFixture.dependencies(ready.body())).containsEntry("shutdown", "draining");
            assertThat(service.grpcHealth(NAME)).isEqualTo(ServingStatus.NOT_SERVING);
            assertThat(slowCall).isNotDone();
            assertThat(stopping).isNotDone();

            assertThat(drained.get(5, TimeUnit.SECONDS))
                    .as("the drain listener ran while the server served the call in flight")
                    .isTrue();
            assertThat(slowCall.get(SLOW_CALL_MILLIS * 3, TimeUnit.MILLISECONDS))
                    .isEqualTo("done");
            stopping.get(10, TimeUnit.SECONDS);

            assertThat(service.service.isRunning()).isFalse();
            assertThat(catchThrowableOfType(ConnectException.class, () -> connect(service)))
                    .isNotNull();
            StatusRuntimeException refused = failure(service.channel, ProbeService.INSPECT);
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
            if (stopping != null) {
                awaitQuietly(stopping);
            }
            service.close();
        }
    }

    @Test
    void grpcHealthStaysNotServingWhenAReadinessCheckWasRunningAsShutdownBegan() throws Exception {
        KitFixture service = KitFixture.start(
                Map.of(
                        "service.name", "kit-health-race",
                        "health.sync-interval", "PT0.1S",
                        "shutdown.propagation-delay", "PT2S"),
                false);
        ReadinessGate gate = new ReadinessGate();
        try {
            assertThat(service.grpcHealth("")).isEqualTo(ServingStatus.SERVING);
            // The kit's health sync is the only caller of readiness checks here: it is now held
            // inside its check, having found the service ready.
            service.kit.readiness().add("gate", gate::pass);
            assertThat(gate.entered.await(5, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(service.service::stop);
            await().atMost(Duration.ofSeconds(1)).until(() -> service.grpcHealth("") == ServingStatus.NOT_SERVING);
            gate.released.countDown();

            // Consul's gRPC check must not see the instance come back while it drains.
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> service.grpcHealth("kit-health-race") == ServingStatus.NOT_SERVING
                            && service.grpcHealth("") == ServingStatus.NOT_SERVING);
            stopping.get(10, TimeUnit.SECONDS);
        } finally {
            gate.released.countDown();
            service.close();
        }
    }

    /** A readiness check that holds its first caller until released, then always passes. */
    private static final class ReadinessGate {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        private final AtomicBoolean first = new AtomicBoolean(true);

        boolean pass() {
            if (first.compareAndSet(true, false)) {
                entered.countDown();
                try {
                    released.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        }
    }

    private static void connect(KitFixture service) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(service.host, service.port), 2000);
        }
    }

    private static JsonNode catalog() throws IOException, InterruptedException {
        URI uri = SharedContainers.consulHttpUri().resolve("/v1/catalog/service/" + NAME);
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void awaitQuietly(CompletableFuture<Void> stopping) throws InterruptedException {
        try {
            stopping.get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the assertions above report what went wrong
        }
    }
}
