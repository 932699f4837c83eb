package social.nova.harness;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerSpecTest {
    @Test
    void theFingerprintChangesWithWhatMakesTheContainerAndOnlyWithThat() {
        ContainerSpec spec = spec(Map.of("A", "1", "B", "2"), List.of("dep-1"));

        assertThat(spec(Map.of("B", "2", "A", "1"), List.of("dep-1")).fingerprint("sha256:1"))
                .as("map order does not matter")
                .isEqualTo(spec.fingerprint("sha256:1"));
        assertThat(spec.fingerprint("sha256:2")).as("another image").isNotEqualTo(spec.fingerprint("sha256:1"));
        assertThat(spec(Map.of("A", "1", "B", "3"), List.of("dep-1")).fingerprint("sha256:1"))
                .as("another environment")
                .isNotEqualTo(spec.fingerprint("sha256:1"));
        assertThat(spec(Map.of("A", "1", "B", "2"), List.of("dep-2")).fingerprint("sha256:1"))
                .as("a replaced dependency")
                .isNotEqualTo(spec.fingerprint("sha256:1"));
    }

    @Test
    void dockerRestartsACrashedUpContainerButNotATestStacksOne() {
        HostConfig up = StackDocker.hostConfig("nova-stack", spec(Map.of(), List.of()), List.of());
        ContainerSpec tested = new ContainerSpec(
                "nova-it-1-auth-service-1",
                "nova/auth-service:harness",
                List.of("auth-service-1"),
                Map.of(),
                List.of(),
                Map.of(8084, 0),
                512L << 20,
                Map.of("nova.harness", "1"),
                List.of());

        assertThat(up.getRestartPolicy()).isEqualTo(RestartPolicy.unlessStoppedRestart());
        assertThat(up.getMemory()).isEqualTo(512L << 20);
        assertThat(StackDocker.hostConfig("nova-it-1", tested, List.of()).getRestartPolicy())
                .isIn(null, RestartPolicy.noRestart());
    }

    private static ContainerSpec spec(Map<String, String> env, List<String> dependsOn) {
        return new ContainerSpec(
                "nova-auth-service-1",
                "nova/auth-service:harness",
                List.of("auth-service-1"),
                new HashMap<>(env),
                List.of(),
                Map.of(8084, 0),
                512L << 20,
                Map.of("nova.stack", "up"),
                dependsOn);
    }
}
