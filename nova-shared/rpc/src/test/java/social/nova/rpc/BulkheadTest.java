package social.nova.rpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ListenableFuture;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.rpc.EchoService.CREATE;
import static social.nova.rpc.EchoService.GET;
import static social.nova.rpc.TestClients.TARGET;
import static social.nova.rpc.TestClients.call;
import static social.nova.rpc.TestClients.failure;

class BulkheadTest {

    @Test
    void rejectsCallsBeyondItsLimitWithoutOpeningTheBreaker() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (EchoServer server = EchoServer.start("a");
                NovaClients clients = TestClients.create(
                        TestClients.directoryOf(server),
                        new SimpleMeterRegistry(),
                        "clients.echo-service.bulkhead.max-concurrent-calls",
                        "2",
                        "clients.echo-service.circuit-breaker.minimum-number-of-calls",
                        "2",
                        "clients.echo-service.circuit-breaker.sliding-window-size",
                        "2")) {
            server.behave(request -> {
                if (request.equals("slow")) {
                    awaitQuietly(release);
                }
                return "done " + request;
            });
            ManagedChannel channel = clients.channel(TARGET);
            ListenableFuture<String> first =
                    ClientCalls.futureUnaryCall(channel.newCall(CREATE, CallOptions.DEFAULT), "slow");
            ListenableFuture<String> second =
                    ClientCalls.futureUnaryCall(channel.newCall(CREATE, CallOptions.DEFAULT), "slow");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.hits.get() == 2);

            for (int i = 0; i < 3; i++) {
                var rejected = failure(channel, GET, Status.Code.RESOURCE_EXHAUSTED);
                assertThat(rejected.getStatus().getDescription())
                        .isEqualTo("bulkhead for echo-service is full (2 concurrent calls); rejecting");
            }

            assertThat(server.hits).as("rejected calls never left the client").hasValue(2);
            assertThat(clients.circuitBreaker(TARGET).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(clients.circuitBreaker(TARGET).getMetrics().getNumberOfFailedCalls())
                    .isZero();

            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("done slow");
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("done slow");
            assertThat(call(channel, GET, "now"))
                    .as("slots are freed when calls close")
                    .isEqualTo("done now");
        }
    }

    @Test
    void theStreamChannelHoldsNoBulkheadSlotAndOpensNoBreaker() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (EchoServer server = EchoServer.start("a");
                NovaClients clients = TestClients.create(
                        TestClients.directoryOf(server),
                        new SimpleMeterRegistry(),
                        "clients.echo-service.bulkhead.max-concurrent-calls",
                        "2",
                        "clients.echo-service.circuit-breaker.minimum-number-of-calls",
                        "2",
                        "clients.echo-service.circuit-breaker.sliding-window-size",
                        "2")) {
            server.behave(request -> {
                if (request.equals("long")) {
                    awaitQuietly(release);
                }
                return "done " + request;
            });
            ManagedChannel streams = clients.streamChannel(TARGET, 64 * 1024);
            assertThat(clients.streamChannel(TARGET, 64 * 1024)).isSameAs(streams);
            assertThat(streams).isNotSameAs(clients.channel(TARGET));
            // Five long calls at once, where the bulkhead allows two: each stands for a stream open
            // for hours, which must not use up the slots the target's short calls need.
            List<ListenableFuture<String>> open = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                open.add(ClientCalls.futureUnaryCall(streams.newCall(CREATE, CallOptions.DEFAULT), "long"));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.hits.get() == 5);
            assertThat(call(clients.channel(TARGET), GET, "short"))
                    .as("the target's short calls still have their slots")
                    .isEqualTo("done short");

            release.countDown();
            for (ListenableFuture<String> call : open) {
                assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo("done long");
            }
            assertThat(clients.circuitBreaker(TARGET).getMetrics().getNumberOfBufferedCalls())
                    .as("only the short call went through the breaker")
                    .isEqualTo(1);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
