package social.nova.harness;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                List.of(),
                List.of());

        assertThat(up.getRestartPolicy()).isEqualTo(RestartPolicy.unlessStoppedRestart());
        assertThat(up.getMemory()).isEqualTo(512L << 20);
        assertThat(StackDocker.hostConfig("nova-it-1", tested, List.of()).getRestartPolicy())
                .isIn(null, RestartPolicy.noRestart());
    }

    @Test
    void aFileIsPartOfTheFingerprintByPathAndContentAndNoFileLeavesItAsItWas() {
        ContainerSpec plain = spec(Map.of(), List.of());
        ContainerSpec withFile = spec(Map.of(), List.of(), List.of(new ContainerFile("/etc/app/realm.json", "{}")));

        assertThat(plain.fingerprint("sha256:1"))
                .as("a container without files keeps the fingerprint it had before specs had files")
                .isEqualTo(String.join(
                        "\n",
                        "sha256:1",
                        "auth-service-1",
                        "{}",
                        "",
                        "{8084=0}",
                        Long.toString(512L << 20),
                        "{nova.stack=up}",
                        ""));
        assertThat(withFile.fingerprint("sha256:1")).isNotEqualTo(plain.fingerprint("sha256:1"));
        assertThat(spec(Map.of(), List.of(), List.of(new ContainerFile("/etc/app/realm.json", "{ }")))
                        .fingerprint("sha256:1"))
                .as("another content")
                .isNotEqualTo(withFile.fingerprint("sha256:1"));
        assertThat(spec(Map.of(), List.of(), List.of(new ContainerFile("/etc/app/other.json", "{}")))
                        .fingerprint("sha256:1"))
                .as("another path")
                .isNotEqualTo(withFile.fingerprint("sha256:1"));
        assertThat(spec(Map.of(), List.of(), List.of(new ContainerFile("/etc/app/realm.json", "{}")))
                        .fingerprint("sha256:1"))
                .isEqualTo(withFile.fingerprint("sha256:1"));
    }

    @Test
    void filesAreOneTarOfFileEntriesUnderTheRootReadableByEveryone() throws Exception {
        byte[] tar = StackDocker.tar(List.of(
                new ContainerFile("/opt/keycloak/data/import/realm.json", "{\"realm\":\"nova\"}"),
                new ContainerFile("/etc/motd", "hé")));

        List<String> seen = new java.util.ArrayList<>();
        try (var archive = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.io.ByteArrayInputStream(tar))) {
            for (var entry = archive.getNextEntry(); entry != null; entry = archive.getNextEntry()) {
                assertThat(entry.isFile())
                        .as("no folder entries: Docker creates missing folders and keeps existing ones")
                        .isTrue();
                assertThat(entry.getMode()).isEqualTo(0100644);
                assertThat(entry.getLongUserId()).isZero();
                seen.add(entry.getName() + "=" + new String(archive.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(seen).containsExactly("opt/keycloak/data/import/realm.json={\"realm\":\"nova\"}", "etc/motd=hé");
    }

    @Test
    void aContainerFileNeedsAnAbsolutePathToAFile() {
        for (String bad : List.of("realm.json", "/opt/import/", "/opt/../etc/passwd", "/opt//x")) {
            assertThatThrownBy(() -> new ContainerFile(bad, "")).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static ContainerSpec spec(Map<String, String> env, List<String> dependsOn) {
        return spec(env, dependsOn, List.of());
    }

    private static ContainerSpec spec(Map<String, String> env, List<String> dependsOn, List<ContainerFile> files) {
        return new ContainerSpec(
                "nova-auth-service-1",
                "nova/auth-service:harness",
                List.of("auth-service-1"),
                new HashMap<>(env),
                List.of(),
                Map.of(8084, 0),
                512L << 20,
                Map.of("nova.stack", "up"),
                dependsOn,
                files);
    }
}
