package social.nova.rpc;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import social.nova.testing.VirtualThreadPinning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.rpc.EchoService.CREATE;
import static social.nova.rpc.EchoService.GET;
import static social.nova.rpc.TestClients.TARGET;
import static social.nova.rpc.TestClients.call;

/**
 * A call waiting for a bulkhead slot ({@code bulkhead.max-wait} above 0) waits inside the retry
 * layer's start of an attempt; it must hold no monitor meanwhile (issue 9, item 5): on the
 * services' Java 21 runtime a virtual thread that waits while it owns a monitor pins its carrier.
 * The retry layer's state was guarded by {@code synchronized}; the thread dump of
 * {@link VirtualThreadPinning} lists the waiting caller as holding that monitor with the old code
 * (these tests run on JDK 25, where JFR's pinned event alone would not show it).
 */
class BulkheadWaitPinningTest {

    @Test
    void aCallWaitingForABulkheadSlotHoldsNoMonitor() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (EchoServer server = EchoServer.start("a");
                NovaClients clients = TestClients.create(
                        TestClients.directoryOf(server),
                        new SimpleMeterRegistry(),
                        "clients.echo-service.bulkhead.max-concurrent-calls",
                        "1",
                        "clients.echo-service.bulkhead.max-wait",
                        "PT10S")) {
            server.behave(request -> {
                if (request.equals("slow")) {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return "done " + request;
            });
            ManagedChannel channel = clients.channel(TARGET);
            // One call first, so that what JFR records below is the wait, not first-use class loading.
            Thread.ofVirtual().start(() -> call(channel, GET, "warm")).join();
            try (VirtualThreadPinning pinning = VirtualThreadPinning.record()) {
                ListenableFuture<String> holder =
                        ClientCalls.futureUnaryCall(channel.newCall(CREATE, CallOptions.DEFAULT), "slow");
                await().atMost(Duration.ofSeconds(5)).until(() -> server.hits.get() == 2);

                Queue<String> answers = new ConcurrentLinkedQueue<>();
                Thread waiting = Thread.ofVirtual()
                        .name("waits-for-a-slot")
                        .start(() -> answers.add(call(channel, GET, "next")));
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> waiting.getState() == Thread.State.WAITING
                                || waiting.getState() == Thread.State.TIMED_WAITING);

                assertThat(pinning.holdingMonitors("social.nova."))
                        .as("virtual threads holding a monitor while they wait for a bulkhead slot")
                        .isEmpty();

                release.countDown();
                assertThat(holder.get(5, TimeUnit.SECONDS)).isEqualTo("done slow");
                waiting.join(Duration.ofSeconds(5));
                assertThat(answers).containsExactly("done next");
                assertThat(pinning.pinnedEvents("social.nova."))
                        .as("jdk.VirtualThreadPinned")
                        .isEmpty();
            }
        }
    }
}
