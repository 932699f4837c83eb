package social.nova.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThatThrownBy(() -> ServiceSpec.of("auth", "m", 1).withInstances(-1))
                .hasMessageContaining("0 or more");
        assertThatThrownBy(() -> ServiceSpec.of("auth", "m", 1).dependsOn("auth"))
                .hasMessage("auth cannot depend on itself");
    }

    @Test
    void everyServiceImageRunsAsANonRootUser() throws IOException {
        Path services = StackSettings.findRoot().resolve("nova-services");
        List<Path> dockerfiles;
        try (var folders = Files.list(services)) {
            dockerfiles = folders.map(folder -> folder.resolve("Dockerfile"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }

        assertThat(dockerfiles)
                .extracting(file -> file.getParent().getFileName().toString())
                .containsAll(
                        Fleet.nova().services().stream().map(ServiceSpec::name).toList());
        for (Path dockerfile : dockerfiles) {
            assertThat(runtimeUser(dockerfile))
                    .as("the USER of the final stage of %s", dockerfile)
                    .hasValueSatisfying(user -> assertThat(user).matches("[1-9][0-9]*(:[1-9][0-9]*)?"));
        }
    }

    @Test
    void onlyAUserOfTheFinalStageCounts(@TempDir Path dir) throws IOException {
        Path multiStage =
                Files.writeString(dir.resolve("Dockerfile"), "FROM builder\nUSER 10001\nFROM runtime\nCOPY x /x\n");
        Path root = Files.writeString(dir.resolve("Dockerfile.root"), "FROM runtime\nUSER 10001\nuser root\n");

        assertThat(runtimeUser(multiStage)).isEmpty();
        assertThat(runtimeUser(root)).hasValue("root");
    }

    /** The user the image's final stage runs as: its last USER instruction, if any. */
    private static Optional<String> runtimeUser(Path dockerfile) {
        try {
            Optional<String> user = Optional.empty();
            for (String line : Files.readAllLines(dockerfile)) {
                String[] words = line.strip().split("\\s+", 2);
                if (words[0].equalsIgnoreCase("FROM")) {
                    user = Optional.empty();
                } else if (words[0].equalsIgnoreCase("USER") && words.length == 2) {
                    user = Optional.of(words[1].strip());
                }
            }
            return user;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
