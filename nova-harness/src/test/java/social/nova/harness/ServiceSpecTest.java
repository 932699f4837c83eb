package social.nova.harness;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceSpecTest {
    @Test
    void filesFollowTheServiceFolderConvention() {
        ServiceSpec auth = ServiceSpec.of("auth-service", "nova-services/auth-service", 8084);
        Path root = Path.of("/repo");

        assertThat(auth.dockerfile(root)).isEqualTo(Path.of("/repo/nova-services/auth-service/Dockerfile"));
        assertThat(auth.jar(root)).isEqualTo(Path.of("/repo/nova-services/auth-service/target/auth-service.jar"));
        assertThat(auth.libs(root)).isEqualTo(Path.of("/repo/nova-services/auth-service/target/libs"));
        assertThat(auth.image()).isEqualTo("nova/auth-service:harness");
        assertThat(auth.instanceAlias(2)).isEqualTo("auth-service-2");
    }

    @Test
    void badNamesPortsAndCountsAreRejected() {
        assertThatThrownBy(() -> ServiceSpec.of("Auth_Service", "m", 1)).hasMessageContaining("lowercase");
        assertThatThrownBy(() -> ServiceSpec.of("auth", "m", 0)).hasMessage("auth: port must be 1..65535, was 0");
        assertThatThrownBy(() -> ServiceSpec.of("auth", "m", 1).withInstances(-1)).hasMessageContaining("0 or more");
        assertThatThrownBy(() -> ServiceSpec.of("auth", "m", 1).dependsOn("auth")).hasMessage("auth cannot depend on itself");
    }
}
