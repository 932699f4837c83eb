package social.nova.rpc;

import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static social.nova.rpc.EchoService.CREATE;
import static social.nova.rpc.EchoService.GET;
import static social.nova.rpc.TestClients.TARGET;
import static social.nova.rpc.TestClients.call;

class NovaClientsTest {

    @Test
    void recordsLatencyPerMethodAndStatusAndTheBreakerState() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (EchoServer server = EchoServer.start("a");
                NovaClients clients = TestClients.create(TestClients.directoryOf(server), meters)) {
            server.behave(request -> {
                if (request.equals("bad")) {
                    throw Status.INVALID_ARGUMENT.asRuntimeException();
                }
                return request;
            });
            ManagedChannel channel = clients.channel(TARGET);
            call(channel, GET, "ok");
            call(channel, GET, "ok");
            try {
                call(channel, CREATE, "bad");
            } catch (StatusRuntimeException expected) {
                // recorded with its status
            }

            assertThat(meters.get(ClientMetrics.CALLS)
                            .tags("target", TARGET, "method", GET.getFullMethodName(), "status", "OK")
                            .timer()
                            .count())
                    .isEqualTo(2);
            assertThat(meters.get(ClientMetrics.CALLS)
                            .tags("target", TARGET, "method", CREATE.getFullMethodName(), "status", "INVALID_ARGUMENT")
                            .timer()
                            .count())
                    .isEqualTo(1);
            assertThat(meters.get("resilience4j.circuitbreaker.state")
                            .tags("name", TARGET, "state", "closed")
                            .gauge()
                            .value())
                    .isEqualTo(1.0);
            assertThat(meters.get("resilience4j.bulkhead.max.allowed.concurrent.calls")
                            .tag("name", TARGET)
                            .gauge()
                            .value())
                    .isEqualTo(100.0);
        }
    }

    @Test
    void sharesOneChannelPerTargetAndClosesThemAll() throws Exception {
        try (EchoServer server = EchoServer.start("a")) {
            NovaClients clients = TestClients.create(TestClients.directoryOf(server), new SimpleMeterRegistry());
            ManagedChannel channel = clients.channel(TARGET);
            assertThat(clients.channel(TARGET)).isSameAs(channel);
            Channel viaStub = clients.stub(TARGET, c -> c);
            assertThat(viaStub).isSameAs(channel);

            clients.close();
            clients.close();

            assertThat(channel.isTerminated()).isTrue();
            assertThatThrownBy(() -> clients.channel(TARGET))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("NovaClients is closed");
        }
    }

    @Test
    void rejectsATargetThatIsNotAServiceName() {
        try (NovaClients clients =
                TestClients.create(new social.nova.discovery.StaticServiceDirectory(), new SimpleMeterRegistry())) {
            assertThatThrownBy(() -> clients.channel("user service/x"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("was 'user service/x'");
        }
    }

    @Test
    void closeStillAnswersACallWaitingToRetry() throws Exception {
        try (EchoServer server = EchoServer.start("a")) {
            NovaClients clients = TestClients.create(
                    TestClients.directoryOf(server),
                    new SimpleMeterRegistry(),
                    "defaults.retry.initial-backoff",
                    "PT0.5S",
                    "defaults.retry.jitter",
                    "0",
                    "shutdown-timeout",
                    "PT2S");
            server.behave(request -> {
                throw Status.UNAVAILABLE.withDescription("down").asRuntimeException();
            });
            ListenableFuture<String> pending =
                    ClientCalls.futureUnaryCall(clients.channel(TARGET).newCall(GET, CallOptions.DEFAULT), "x");
            await().until(() -> server.hits.get() == 1);

            clients.close();

            assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            assertThat(server.hits)
                    .as("the retry did not reach the server after close")
                    .hasValue(1);
        }
    }
}
