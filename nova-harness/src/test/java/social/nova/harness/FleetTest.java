package social.nova.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FleetTest {
    @TempDir
    Path root;

    @Test
    void novaStartsAuthFirstThenUsersSearchAndMediaThenContentMessagingAndStreamingThenFeedAndTheGatewayLast() {
        assertThat(names(Fleet.nova().startWaves()))
                .containsExactly(
                        List.of("auth-service"),
                        List.of("user-service", "search-service", "media-service"),
                        List.of("content-service", "messaging-service", "streaming-service"),
                        List.of("feed-service"),
                        List.of("api-gateway"));
        assertThat(Fleet.nova().edge()).map(ServiceSpec::name).hasValue("api-gateway");
    }

    @Test
    void servicesThatDoNotDependOnEachOtherStartInTheSameWave() {
        Fleet fleet = Fleet.of(
                ServiceSpec.of("a", "x/a", 1),
                ServiceSpec.of("b", "x/b", 2),
                ServiceSpec.of("c", "x/c", 3).dependsOn("a", "b"));

        assertThat(names(fleet.startWaves())).containsExactly(List.of("a", "b"), List.of("c"));
    }

    @Test
    void aDependencyCycleIsRejectedNamingTheServices() {
        assertThatThrownBy(() -> Fleet.of(
                        ServiceSpec.of("a", "x/a", 1).dependsOn("b"),
                        ServiceSpec.of("b", "x/b", 2).dependsOn("a"),
                        ServiceSpec.of("c", "x/c", 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cycle")
                .hasMessageContaining("a")
                .hasMessageContaining("b");
    }

    @Test
    void anUnknownDependencyOrADuplicateIsRejected() {
        assertThatThrownBy(() -> Fleet.of(ServiceSpec.of("a", "x/a", 1).dependsOn("ghost")))
                .hasMessage("a depends on unknown service ghost");
        assertThatThrownBy(() -> Fleet.of(ServiceSpec.of("a", "x/a", 1), ServiceSpec.of("a", "y/a", 2)))
                .hasMessage("service a is listed twice");
    }

    @Test
    void onlyBuiltServicesRunAndDependenciesOnTheOthersAreDropped() throws IOException {
        build("nova-services/auth-service");
        build("nova-services/content-service");
        Files.createDirectories(root.resolve("nova-services/user-service")); // folder, but no jar yet

        Fleet runnable = Fleet.nova().runnable(root);

        assertThat(runnable.services())
                .extracting(ServiceSpec::name)
                .containsExactly("auth-service", "content-service");
        assertThat(runnable.service("content-service").orElseThrow().dependsOn())
                .containsExactly("auth-service");
        assertThat(Fleet.nova().notBuilt(root))
                .extracting(ServiceSpec::name)
                .containsExactly(
                        "user-service",
                        "feed-service",
                        "search-service",
                        "media-service",
                        "messaging-service",
                        "streaming-service",
                        "api-gateway");
    }

    @Test
    void instanceCountsAreOverriddenAndZeroLeavesAServiceOut() throws IOException {
        build("nova-services/auth-service");
        build("nova-services/api-gateway");

        Fleet fleet = Fleet.nova().withInstances(Map.of("auth-service", 3, "api-gateway", 0));

        assertThat(fleet.service("auth-service").orElseThrow().instances()).isEqualTo(3);
        assertThat(fleet.runnable(root).services())
                .extracting(ServiceSpec::name)
                .containsExactly("auth-service");
        assertThatThrownBy(() -> Fleet.nova().withInstances(Map.of("auth-servce", 2)))
                .hasMessageContaining("unknown service 'auth-servce'");
    }

    private void build(String module) throws IOException {
        Path dir = Files.createDirectories(root.resolve(module).resolve("target"));
        Files.writeString(root.resolve(module).resolve("Dockerfile"), "FROM scratch\n");
        Files.writeString(dir.resolve(Path.of(module).getFileName() + ".jar"), "jar");
        Files.writeString(dir.resolve("jvm.options"), "-XX:+UseSerialGC");
    }

    private static List<List<String>> names(List<List<ServiceSpec>> waves) {
        return waves.stream()
                .map(wave -> wave.stream().map(ServiceSpec::name).toList())
                .toList();
    }
}
