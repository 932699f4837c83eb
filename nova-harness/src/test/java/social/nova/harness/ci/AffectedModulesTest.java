package social.nova.harness.ci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.nova.harness.ci.ModuleGraph.Module;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The affected set on real diffs: a git repository of its own holding Nova's real POMs (copied from
 * this checkout, so the module graph is today's), in which each case commits a change and asks for
 * the modules changed since the commit before.
 */
class AffectedModulesTest {
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> SERVICES = List.of(
            "nova-services/api-gateway",
            "nova-services/auth-service",
            "nova-services/content-service",
            "nova-services/feed-service",
            "nova-services/search-service",
            "nova-services/user-service");

    @TempDir
    Path root;

    @BeforeEach
    void aRepositoryWithNovasPoms() throws Exception {
        try (Stream<Path> poms = Files.walk(REPOSITORY)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p ->
                            !p.toString().contains("/target/") && !p.toString().contains("/.tools/"))
                    .toList()) {
                Path copy = root.resolve(REPOSITORY.relativize(pom));
                Files.createDirectories(copy.getParent());
                Files.copy(pom, copy);
            }
        }
        write("README.md", "Nova");
        write("nova", "#!/bin/sh");
        git("init", "-q", "-b", "main");
        git("add", "-A");
        commit("the POMs");
    }

    @Test
    void theGraphHasEveryModuleAndNoAggregator() {
        ModuleGraph graph = ModuleGraph.read(root);

        assertThat(graph.modules())
                .extracting(Module::path)
                .contains(
                        "contracts",
                        "nova-shared/nova-parent",
                        "nova-shared/rpc",
                        "nova-shared/service-kit",
                        "nova-harness")
                .containsAll(SERVICES)
                .doesNotContain("", "nova-shared", "nova-services", "contracts/downstream-sample");
        Module content = graph.modules().stream()
                .filter(m -> m.path().equals("nova-services/content-service"))
                .findFirst()
                .orElseThrow();
        assertThat(content.dependsOn())
                .contains("nova-parent", "nova-service-kit", "nova-contracts")
                .doesNotContain("user-service", "auth-service");
    }

    @Test
    void aChangeInRpcTakesTheServiceKitEveryServiceAndTheHarness() throws Exception {
        Set<String> affected = affectedBy("nova-shared/rpc/src/main/java/social/nova/rpc/Retry.java");

        assertThat(affected)
                .contains("nova-shared/rpc", "nova-shared/service-kit", "nova-harness")
                .containsAll(SERVICES)
                .doesNotContain(
                        "nova-shared/error-types", "nova-shared/crypto-core", "contracts", "nova-shared/nova-parent");
    }

    @Test
    void aChangeInOneServiceBuildsThatServiceAndTheHarnessOnly() throws Exception {
        assertThat(affectedBy("nova-services/feed-service/src/main/java/social/nova/feed/Feeds.java"))
                .containsExactly("nova-harness", "nova-services/feed-service");
    }

    @Test
    void aChangeInTheContractsTakesEveryConsumer() throws Exception {
        Set<String> affected = affectedBy("contracts/src/main/proto/nova/content/v1/content.proto");

        assertThat(affected)
                .contains("contracts", "nova-shared/contract-testing", "nova-shared/service-testing", "nova-harness")
                .containsAll(SERVICES)
                .doesNotContain("nova-shared/nova-parent", "nova-shared/error-types", "nova-shared/discovery");
    }

    @Test
    void theParentTakesEverythingAndDocumentationNothing() throws Exception {
        assertThat(affectedBy("nova-shared/nova-parent/pom.xml"))
                .hasSameSizeAs(ModuleGraph.read(root).modules());
        assertThat(affectedBy("README.md")).isEmpty();
        assertThat(affectedBy("nova"))
                .as("the build script")
                .hasSameSizeAs(ModuleGraph.read(root).modules());
        assertThat(affectedBy("contracts/downstream-sample/src/main/java/com/example/timeline/PostPreviews.java"))
                .as("the sample is built by the harness")
                .containsExactly("nova-harness");
    }

    /** Commits a change to {@code file} and answers the affected modules since the commit before. */
    private Set<String> affectedBy(String file) throws Exception {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, (Files.exists(path) ? Files.readString(path) : "") + "\n<!-- changed -->\n");
        git("add", "-A");
        commit("change " + file);
        List<String> changed = AffectedModules.changedFiles(root, "HEAD~1");
        assertThat(changed).containsExactly(file);
        Set<String> paths = new java.util.TreeSet<>();
        AffectedModules.of(ModuleGraph.read(root), changed).forEach(module -> paths.add(module.path()));
        return paths;
    }

    private void commit(String message) throws Exception {
        git("-c", "user.name=nova", "-c", "user.email=nova@example.com", "commit", "-q", "-m", message);
    }

    private void write(String file, String text) throws IOException {
        Files.writeString(root.resolve(file), text);
    }

    private void git(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", root.toString()));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue())
                .as("git %s: %s", String.join(" ", args), output)
                .isZero();
    }
}
