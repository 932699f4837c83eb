package social.nova.rpc;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import social.nova.discovery.StaticServiceDirectory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static social.nova.rpc.EchoService.CREATE;
import static social.nova.rpc.EchoService.GET;
import static social.nova.rpc.TestClients.TARGET;
import static social.nova.rpc.TestClients.call;
import static social.nova.rpc.TestClients.failure;

/** consul:/// targets over a {@link StaticServiceDirectory}, balanced round robin. */
class DiscoveryTest {
    private final StaticServiceDirectory directory = new StaticServiceDirectory();
    private EchoServer a;
    private EchoServer b;
    private NovaClients clients;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        a = EchoServer.start("a");
        b = EchoServer.start("b");
        directory.set(TARGET, List.of(a.instance(TARGET), b.instance(TARGET)));
        clients = TestClients.create(directory, new SimpleMeterRegistry(), "defaults.retry.initial-backoff", "PT0.01S");
        channel = clients.channel(TARGET);
    }

    @AfterEach
    void stop() throws InterruptedException {
        clients.close();
        a.close();
        b.close();
    }

    /** Which server answered each of {@code calls} calls. */
    private Map<String, Integer> spread(int calls) {
        Map<String, Integer> answeredBy = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            String server = call(channel, CREATE, "x").split(":")[0];
            answeredBy.merge(server, 1, Integer::sum);
        }
        return answeredBy;
    }

    private void awaitBothConnected() {
        // round_robin picks only connected instances; the second may take a moment to connect.
        await().atMost(Duration.ofSeconds(5)).until(() -> spread(4).size() == 2);
    }

    @Test
    void spreadsCallsOverThePassingInstancesRoundRobin() {
        awaitBothConnected();

        assertThat(spread(20)).containsEntry("a", 10).containsEntry("b", 10);
    }

    @Test
    void anInstanceRemovedFromTheDirectoryLeavesTheRotationAtOnce() {
        awaitBothConnected();
        int aHitsBefore = a.hits.get();

        directory.set(TARGET, List.of(b.instance(TARGET)));

        assertThat(spread(20)).containsOnlyKeys("b");
        assertThat(a.hits.get()).as("a keeps running but gets nothing").isEqualTo(aHitsBefore);
    }

    @Test
    void aKilledInstanceStillListedIsDroppedByTheBalancerOnItsOwn() {
        awaitBothConnected();
        int aHitsBefore = a.hits.get();

        a.kill();

        // Idempotent calls that raced the kill are retried on b; none fails.
        for (int i = 0; i < 20; i++) {
            assertThat(call(channel, GET, "x")).isEqualTo("b:x");
        }
        assertThat(a.hits.get()).isEqualTo(aHitsBefore);
    }

    @Test
    void aServiceWithoutHealthyInstancesFailsWithUnavailableNamingIt() {
        ManagedChannel ghost = clients.channel("ghost-service");

        var failure = failure(ghost, CREATE, Status.Code.UNAVAILABLE);

        assertThat(failure.getStatus().getDescription()).isEqualTo("no healthy instance of ghost-service in Consul");
    }

    @Test
    void callsSucceedOnceAnInstanceAppears() {
        ManagedChannel late = clients.channel("late-service");
        failure(late, CREATE, Status.Code.UNAVAILABLE);

        directory.set("late-service", List.of(a.instance("late-service")));

        await().atMost(Duration.ofSeconds(5))
                .ignoreExceptions()
                .until(() -> call(late, CREATE, "x").equals("a:x"));
    }

    @Test
    void whenTheLastInstanceGoesCallersAreToldThereIsNone() {
        awaitBothConnected();
        directory.set(TARGET, List.of());
        a.kill();
        b.kill();

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThatThrownBy(() -> call(channel, CREATE, "x"))
                        .hasMessageContaining("no healthy instance of echo-service in Consul"));
    }
}
