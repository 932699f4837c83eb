package social.nova.testing;

import java.util.Map;

import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A service configured on the shared containers: its file, then the containers, then the test's values. */
class ServiceConfigsIT {

    @Test
    void theSharedContainersSitBetweenTheFileAndTheTestsOverrides() {
        Config config = ServiceConfigs.config(
                ServiceConfigsTest.class, "probe", "probe_service", Map.of("db.schema", "probe_own"));

        assertThat(config.get("service.name").asString().get()).isEqualTo("yaml-service");
        assertThat(config.get("server.port").asInt().get())
                .as("the shared values' random port")
                .isZero();
        assertThat(config.get("db.url").asString().get())
                .isEqualTo(SharedContainers.postgres().getJdbcUrl());
        assertThat(config.get("db.user").asString().get()).isEqualTo("probe_service");
        assertThat(config.get("redis.port").asInt().get())
                .isEqualTo(SharedContainers.redis().getRedisPort());
        assertThat(config.get("db.schema").asString().get()).isEqualTo("probe_own");
    }
}
