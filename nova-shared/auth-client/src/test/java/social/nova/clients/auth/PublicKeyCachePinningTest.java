package social.nova.clients.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.GetPublicKeysRequest;
import social.nova.contracts.auth.v1.GetPublicKeysResponse;
import social.nova.crypto.JwtSettings;
import social.nova.crypto.JwtSigner;
import social.nova.crypto.KeyRing;
import social.nova.testing.VirtualThreadPinning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests that wait for auth-service's keys hold no monitor while they wait (issue 9, item 5):
 * the old {@code synchronized} fetch held the cache's monitor across the GetPublicKeys call, which on
 * the services' Java 21 runtime pins the carrier thread of every request behind it.
 *
 * <p>The tests run on JDK 25, where {@code synchronized} no longer pins (JEP 491), so JFR's
 * {@code jdk.VirtualThreadPinned} alone could not fail here for the old code. {@link VirtualThreadPinning}
 * therefore also reads a JSON thread dump, taken while GetPublicKeys is stalled, for virtual threads
 * that own a monitor: any such thread is a pinned carrier on Java 21. With the old cache the dump
 * lists the request that holds the {@code PublicKeyCache} monitor across the stalled call; on a
 * Java 21 JVM the JFR events would list it.
 */
class PublicKeyCachePinningTest {
    private final JwtSettings jwt = JwtSettings.defaults();
    private final KeyRing ring = KeyRing.generate(jwt, java.time.Clock.systemUTC());
    private final CountDownLatch keySourceStalled = new CountDownLatch(1);
    private final AtomicInteger keyRequests = new AtomicInteger();
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        keySourceStalled.countDown();
        channel.shutdownNow();
        server.shutdownNow();
        serverThreads.shutdownNow();
    }

    @Test
    void requestsWaitingForAStalledKeySourceHoldNoMonitor() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .executor(serverThreads)
                .addService(new AuthServiceGrpc.AuthServiceImplBase() {
                    @Override
                    public void getPublicKeys(
                            GetPublicKeysRequest request, StreamObserver<GetPublicKeysResponse> response) {
                        keyRequests.incrementAndGet();
                        try {
                            keySourceStalled.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        response.onNext(GetPublicKeysResponse.newBuilder()
                                .setJwksJson(ring.jwksJson())
                                .setMaxAgeSeconds(300)
                                .build());
                        response.onCompleted();
                    }
                })
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
        AuthClient client = AuthClient.create(channel, AuthClientSettings.defaults());
        String token = new JwtSigner(ring, jwt, java.time.Clock.systemUTC())
                .issue("user-1", "s", List.of())
                .token();

        try (VirtualThreadPinning pinning = VirtualThreadPinning.record()) {
            Queue<String> answers = new ConcurrentLinkedQueue<>();
            List<Thread> requests = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                requests.add(Thread.ofVirtual()
                        .name("request-" + i)
                        .start(() -> answers.add(client.verify(token).userId())));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> keyRequests.get() == 1
                            && pinning.virtualThreadsIn("io.grpc.stub.ClientCalls.blockingUnaryCall") == 1
                            && requests.stream()
                                    .allMatch(r -> r.getState() == Thread.State.WAITING
                                            || r.getState() == Thread.State.BLOCKED));

            assertThat(pinning.holdingMonitors("social.nova."))
                    .as("virtual threads holding a monitor while GetPublicKeys is stalled")
                    .isEmpty();

            keySourceStalled.countDown();
            for (Thread request : requests) {
                request.join();
            }
            assertThat(answers).hasSize(4).containsOnly("user-1");
            assertThat(keyRequests).as("the waiting requests shared one fetch").hasValue(1);
            assertThat(pinning.pinnedEvents("social.nova."))
                    .as("jdk.VirtualThreadPinned")
                    .isEmpty();
        }
    }
}
