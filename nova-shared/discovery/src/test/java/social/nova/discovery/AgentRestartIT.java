package social.nova.discovery;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.discovery.ConsulTestSupport.FIRST_PASS;
import static social.nova.discovery.ConsulTestSupport.Recorder;
import static social.nova.discovery.ConsulTestSupport.agentServiceIds;
import static social.nova.discovery.ConsulTestSupport.fastSettings;
import static social.nova.discovery.ConsulTestSupport.freePort;
import static social.nova.discovery.ConsulTestSupport.hostAddressSeenBy;
import static social.nova.discovery.ConsulTestSupport.uniqueServiceName;

/**
 * A dev agent restart loses every registration. The registrar must notice and register again,
 * and the directory's watch must resume on the new agent, without anyone calling them.
 */
@SuppressWarnings("try") // subscriptions are held open by try-with-resources, not used
class AgentRestartIT {
    private static final int CONSUL_HTTP_PORT = 8500;
    /** Seconds Docker waits for the agent to stop before killing it; a dev agent loses all anyway. */
    private static final int STOP_GRACE_SECONDS = 1;

    private static final Duration RECOVERY = Duration.ofSeconds(30);

    @Test
    void afterARestartTheInstanceIsRegisteredAgainAndTheWatchResumes() throws Exception {
        // A fixed host port: the clients keep their URL across the restart, as with a local agent.
        int port = freePort();
        try (ConsulContainer consul = SharedContainers.newConsul()) {
            consul.setPortBindings(List.of(port + ":" + CONSUL_HTTP_PORT));
            consul.start();
            URI url = URI.create("http://localhost:" + port);
            String host = hostAddressSeenBy(consul);
            ConsulSettings settings = fastSettings(url).build();
            String service = uniqueServiceName("restart");
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            Recorder watcher = new Recorder();

            try (TestInstance survivor = TestInstance.start(service, host);
                    TestInstance newcomer = TestInstance.start(service, host);
                    ConsulRegistrar survivorRegistrar = ConsulRegistrar.create(
                            settings, survivor.registration().build(), meters);
                    ConsulServiceDirectory directory = ConsulServiceDirectory.create(settings, meters);
                    ServiceDirectory.Subscription ignored = directory.watchHealthy(service, watcher)) {
                survivorRegistrar.register();
                await().atMost(FIRST_PASS)
                        .until(() -> List.of(survivorRegistrar.instanceId()).equals(watcher.latestIds()));

                consul.getDockerClient()
                        .restartContainerCmd(consul.getContainerId())
                        .withTimeout(STOP_GRACE_SECONDS)
                        .exec();

                await().atMost(RECOVERY)
                        .ignoreExceptions()
                        .untilAsserted(
                                () -> assertThat(agentServiceIds(url, null)).contains(survivorRegistrar.instanceId()));
                assertThat(meters.counter("nova.discovery.registrations", "service", service, "kind", "repair")
                                .count())
                        .isGreaterThanOrEqualTo(1.0);

                // Only a watch that follows the new agent can see an instance registered after the restart.
                try (ConsulRegistrar newcomerRegistrar =
                        ConsulRegistrar.create(settings, newcomer.registration().build())) {
                    newcomerRegistrar.register();
                    List<String> both = List.of(survivorRegistrar.instanceId(), newcomerRegistrar.instanceId()).stream()
                            .sorted()
                            .toList();
                    await().atMost(FIRST_PASS).until(() -> both.equals(watcher.latestIds()));
                }
                assertThat(meters.counter("nova.discovery.watch.failures", "service", service)
                                .count())
                        .isGreaterThanOrEqualTo(1.0);
            }
        }
    }
}
