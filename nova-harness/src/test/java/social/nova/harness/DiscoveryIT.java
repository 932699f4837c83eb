package social.nova.harness;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole stack starts and every service instance is discoverable the way the platform promises:
 * registered in Consul under its network alias, gRPC and HTTP checks (run by Consul itself) passing,
 * tags and meta set; an instance that is stopped leaves Consul's passing list.
 */
@ExtendWith(NovaStackExtension.class)
@Order(2)
class DiscoveryIT {
    private static final Duration DEREGISTRATION_TIMEOUT = Duration.ofSeconds(30);

    @BeforeAll
    static void theStackRunsAuthService(NovaStack stack) {
        assertThat(stack.fleet().service("auth-service"))
                .as("auth-service must be built (./mvnw install -DskipTests -pl nova-services/auth-service)")
                .isPresent();
    }

    @Test
    void everyInstanceIsRegisteredUnderItsAliasWithPassingGrpcAndHttpChecks(NovaStack stack) {
        for (ServiceSpec service : stack.fleet().services()) {
            List<ConsulHealth.Instance> registered = stack.consul().passingInstances(service.name());

            assertThat(registered)
                    .extracting(ConsulHealth.Instance::target)
                    .as("passing instances of %s", service.name())
                    .containsExactlyInAnyOrderElementsOf(stack.instances(service.name()).stream()
                            .map(ServiceInstance::target)
                            .toList());
            for (ConsulHealth.Instance instance : registered) {
                assertThat(instance.serviceChecks())
                        .extracting(ConsulHealth.Check::type)
                        .containsExactlyInAnyOrder("grpc", "http");
                assertThat(instance.serviceChecks()).allMatch(ConsulHealth.Check::passing);
            }
        }
    }

    @Test
    void everyInstanceCarriesTheTagsAndMetaThePlatformPromises(NovaStack stack) {
        for (ServiceSpec service : stack.fleet().services()) {
            for (ConsulHealth.Instance instance : stack.consul().instances(service.name())) {
                assertThat(instance.tags()).as("tags of %s", instance.id()).contains("grpc", "nova");
                assertThat(instance.meta())
                        .as("meta of %s", instance.id())
                        .containsKeys("version", "git-commit", "proto-package", "owner");
                assertThat(instance.meta().get("version")).isNotBlank();
                assertThat(instance.meta().get("owner")).isNotBlank();
                assertThat(instance.meta().get("proto-package")).matches("nova\\.[a-z]+\\.v[0-9]+");
                // The commit the harness built the image with, carried through GIT_COMMIT into the service.
                assertThat(instance.meta().get("git-commit")).isEqualTo(stack.gitCommit());
            }
        }
    }

    @Test
    void aStoppedInstanceLeavesThePassingListWhileTheOthersStay(NovaStack stack) {
        ServiceSpec service = stack.fleet().services().stream()
                .max(Comparator.comparingInt(ServiceSpec::instances))
                .orElseThrow();
        List<ServiceInstance> instances = stack.instances(service.name());
        ServiceInstance stopped = instances.getLast();
        List<String> others = instances.stream()
                .filter(i -> i != stopped)
                .map(ServiceInstance::target)
                .toList();

        stack.stop(stopped);
        try {
            await().atMost(DEREGISTRATION_TIMEOUT)
                    .untilAsserted(() -> assertThat(stack.consul().passingInstances(service.name()))
                            .extracting(ConsulHealth.Instance::target)
                            .doesNotContain(stopped.target())
                            .containsExactlyInAnyOrderElementsOf(others));
        } finally {
            // The stack is shared by every test class of the run: leave it whole.
            stack.restart(stopped);
        }
        assertThat(stack.consul().passingInstances(service.name()))
                .extracting(ConsulHealth.Instance::target)
                .contains(stopped.target());
    }
}
