package social.nova.discovery;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.discovery.ConsulTestSupport.FIRST_PASS;
import static social.nova.discovery.ConsulTestSupport.PROPAGATION;
import static social.nova.discovery.ConsulTestSupport.Recorder;
import static social.nova.discovery.ConsulTestSupport.fastSettings;
import static social.nova.discovery.ConsulTestSupport.hostAddressSeenBy;
import static social.nova.discovery.ConsulTestSupport.uniqueServiceName;

/** Watching passing instances on the shared Consul agent while real servers change health. */
@SuppressWarnings("try") // subscriptions are held open by try-with-resources, not used
class ConsulServiceDirectoryIT {
    private static final ConsulContainer CONSUL = SharedContainers.consul();
    private static final URI CONSUL_URL = SharedContainers.consulHttpUri();
    private static final String HOST = hostAddressSeenBy(CONSUL);
    private static final ConsulSettings SETTINGS = fastSettings(CONSUL_URL).build();

    private static ConsulServiceDirectory directory;

    @BeforeAll
    static void openDirectory() {
        directory = ConsulServiceDirectory.create(SETTINGS);
    }

    @AfterAll
    static void closeDirectory() {
        directory.close();
    }

    @Test
    void aNotServingInstanceLeavesTheWatchAndComesBackWhenServingAgain() throws Exception {
        String service = uniqueServiceName("flip");
        Recorder watcher = new Recorder();
        try (TestInstance instance = TestInstance.start(service, HOST);
                ConsulRegistrar registrar = register(instance);
                ServiceDirectory.Subscription ignored = directory.watchHealthy(service, watcher)) {
            await().atMost(FIRST_PASS)
                    .until(() -> List.of(registrar.instanceId()).equals(watcher.latestIds()));

            instance.serving(false);
            await().atMost(PROPAGATION).until(() -> List.of().equals(watcher.latestIds()));

            instance.serving(true);
            await().atMost(PROPAGATION)
                    .until(() -> List.of(registrar.instanceId()).equals(watcher.latestIds()));
        }
    }

    @Test
    void aFailingReadinessCheckAlsoTakesTheInstanceOut() throws Exception {
        String service = uniqueServiceName("unready");
        Recorder watcher = new Recorder();
        try (TestInstance instance = TestInstance.start(service, HOST);
                ConsulRegistrar registrar = register(instance);
                ServiceDirectory.Subscription ignored = directory.watchHealthy(service, watcher)) {
            await().atMost(FIRST_PASS)
                    .until(() -> List.of(registrar.instanceId()).equals(watcher.latestIds()));

            instance.ready(false);

            await().atMost(PROPAGATION).until(() -> List.of().equals(watcher.latestIds()));
        }
    }

    @Test
    void whenOneOfTwoInstancesStopsWatchersSeeOnlyTheOther() throws Exception {
        String service = uniqueServiceName("pair");
        Recorder watcher = new Recorder();
        try (TestInstance first = TestInstance.start(service, HOST);
                TestInstance second = TestInstance.start(service, HOST);
                ConsulRegistrar firstRegistrar = register(first);
                ConsulRegistrar secondRegistrar = register(second);
                ServiceDirectory.Subscription ignored = directory.watchHealthy(service, watcher)) {
            List<String> both = List.of(firstRegistrar.instanceId(), secondRegistrar.instanceId()).stream()
                    .sorted()
                    .toList();
            await().atMost(FIRST_PASS).until(() -> both.equals(watcher.latestIds()));

            first.close();

            await().atMost(PROPAGATION)
                    .until(() -> List.of(secondRegistrar.instanceId()).equals(watcher.latestIds()));
            assertThat(directory.healthyInstances(service))
                    .extracting(ServiceInstance::id)
                    .containsExactly(secondRegistrar.instanceId());
        }
    }

    @Test
    void subscribersOfOneServiceShareOneWatchAndEachGetsTheFullList() throws Exception {
        String service = uniqueServiceName("shared");
        Recorder early = new Recorder();
        Recorder late = new Recorder();
        try (TestInstance instance = TestInstance.start(service, HOST);
                ConsulRegistrar registrar = register(instance, "grpc", "1.2.3")) {
            ServiceDirectory.Subscription earlySubscription = directory.watchHealthy(service, early);
            await().atMost(FIRST_PASS)
                    .until(() -> List.of(registrar.instanceId()).equals(early.latestIds()));
            int watchesBefore = directory.watchCount();

            ServiceDirectory.Subscription lateSubscription = directory.watchHealthy(service, late);

            assertThat(directory.watchCount()).isEqualTo(watchesBefore);
            await().atMost(Duration.ofSeconds(1)).until(() -> late.latest() != null);
            ServiceInstance seen = late.latest().getFirst();
            assertThat(seen).isEqualTo(registrar.registration().toServiceInstance());
            assertThat(seen.tags()).containsExactly("grpc");
            assertThat(seen.meta()).containsEntry(InstanceMeta.VERSION, "1.2.3");

            earlySubscription.close();
            earlySubscription.close();
            int earlyCount = early.count();
            instance.serving(false);
            await().atMost(PROPAGATION).until(() -> List.of().equals(late.latestIds()));
            assertThat(early.count()).isEqualTo(earlyCount);

            lateSubscription.close();
            assertThat(directory.watchCount()).isEqualTo(watchesBefore - 1);
        }
    }

    @Test
    void aServiceNobodyRegisteredIsAnEmptyListAtOnce() {
        Recorder watcher = new Recorder();
        String service = uniqueServiceName("nobody");
        try (ServiceDirectory.Subscription ignored = directory.watchHealthy(service, watcher)) {
            await().atMost(Duration.ofSeconds(1)).until(() -> List.of().equals(watcher.latestIds()));
            assertThat(directory.healthyInstances(service)).isEmpty();
        }
    }

    private static ConsulRegistrar register(TestInstance instance) {
        return register(instance, "grpc", "1.0.0");
    }

    private static ConsulRegistrar register(TestInstance instance, String tag, String version) {
        ConsulRegistrar registrar = ConsulRegistrar.create(
                SETTINGS,
                instance.registration()
                        .tag(tag)
                        .version(version)
                        .owner("team-platform")
                        .build());
        registrar.register();
        return registrar;
    }
}
