package social.nova.rpc;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static social.nova.rpc.EchoService.CREATE;
import static social.nova.rpc.EchoService.GET;
import static social.nova.rpc.TestClients.TARGET;
import static social.nova.rpc.TestClients.call;
import static social.nova.rpc.TestClients.failure;

class DeadlineTest {
    private EchoServer server;
    private NovaClients clients;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        server = EchoServer.start("a");
        clients = TestClients.create(TestClients.directoryOf(server), new SimpleMeterRegistry(),
                                     "defaults.deadlines.default", "PT3S",
                                     "defaults.deadlines." + GET.getFullMethodName(), "PT0.4S");
        channel = clients.channel(TARGET);
    }

    @AfterEach
    void stop() throws InterruptedException {
        clients.close();
        server.close();
    }

    private long serverSawMillis() {
        return server.lastDeadline.get().timeRemaining(TimeUnit.MILLISECONDS);
    }

    @Test
    void appliesTheMethodsDefaultDeadlineWhenTheCallHasNone() {
        call(channel, GET, "x");
        assertThat(serverSawMillis()).isBetween(1L, 400L);

        call(channel, CREATE, "x");
        assertThat(serverSawMillis()).as("the default for unlisted methods").isBetween(400L, 3000L);
    }

    @Test
    void aCallExceedingItsDefaultDeadlineFails() {
        server.behave(request -> {
            sleepMillis(800);
            return "too late";
        });

        failure(channel, GET, Status.Code.DEADLINE_EXCEEDED);
    }

    @Test
    void keepsTheCallersOwnDeadlineEvenWhenLonger() {
        ClientCalls.blockingUnaryCall(channel, GET, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "x");

        assertThat(serverSawMillis()).isGreaterThan(5000L);
    }

    @Test
    void keepsAnInheritedContextDeadline() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Context.CancellableContext inbound = Context.current().withDeadlineAfter(250, TimeUnit.MILLISECONDS, timer);
        try {
            inbound.call(() -> call(channel, CREATE, "x"));
        } finally {
            inbound.cancel(null);
            timer.shutdownNow();
        }

        assertThat(serverSawMillis()).as("no later than the caller's 250 ms").isBetween(1L, 250L);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
