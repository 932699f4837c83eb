package social.nova.kit;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.Test;
import org.testcontainers.postgresql.PostgreSQLContainer;
import social.nova.testing.RestartableContainer;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ready means the service's database and Redis answer: {@code /observe/health/ready}, which
 * Consul's HTTP check polls, and grpc.health.v1, which its gRPC check polls, agree.
 */
class ReadinessIT {
    /** The kit mirrors readiness into grpc.health.v1 every second (health.sync-interval) after a ping of at most 1 s. */
    private static final Duration NOTICED_WITHIN = Duration.ofSeconds(3);

    @Test
    void readyWithDatabaseAndRedisUpOverHttpAndGrpc() {
        KitFixture service = KitFixture.shared();

        HttpResponse<String> ready = service.http("/observe/health/ready", "application/json");

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(KitFixture.dependencies(ready.body()))
                .containsEntry("database", "UP")
                .containsEntry("redis", "UP");
        assertThat(service.grpcHealth("")).isEqualTo(ServingStatus.SERVING);
        assertThat(service.grpcHealth(KitFixture.SHARED_NAME)).isEqualTo(ServingStatus.SERVING);
        assertThat(service.grpcHealth(ProbeService.NAME)).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void notReadyWhileItsDatabaseIsStoppedAndReadyAgainOnceItIsBack() {
        PostgreSQLContainer postgres = SharedContainers.newPostgres();
        try (RestartableContainer ownPostgres = RestartableContainer.start(postgres, 5432);
                KitFixture service = KitFixture.start(
                        Map.of("service.name", "kit-readiness", "db.url", postgres.getJdbcUrl()), true)) {
            assertReady(service);

            ownPostgres.stop();
            await().atMost(NOTICED_WITHIN).untilAsserted(() -> {
                HttpResponse<String> ready = service.http("/observe/health/ready", "application/json");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(KitFixture.dependencies(ready.body()))
                        .containsEntry("database", "DOWN")
                        .containsEntry("redis", "UP");
            });
            await().atMost(NOTICED_WITHIN).untilAsserted(() -> {
                assertThat(service.grpcHealth("kit-readiness")).isEqualTo(ServingStatus.NOT_SERVING);
                assertThat(service.grpcHealth("")).isEqualTo(ServingStatus.NOT_SERVING);
            });
            // Alive all the same: the process is fine, only a dependency is missing.
            assertThat(service.http("/observe/health/live", "application/json").statusCode())
                    .isEqualTo(200);

            ownPostgres.restart();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertReady(service));
        }
    }

    private static void assertReady(KitFixture service) {
        HttpResponse<String> ready = service.http("/observe/health/ready", "application/json");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(service.grpcHealth("kit-readiness")).isEqualTo(ServingStatus.SERVING);
    }
}
