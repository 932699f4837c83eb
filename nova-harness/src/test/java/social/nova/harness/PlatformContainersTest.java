package social.nova.harness;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformContainersTest {
    @Test
    void aTestStacksDatabaseCommitsWithoutWaitingForTheDiskAndTheUpStacksDurably() {
        ContainerSpec test = PlatformContainers.postgres(StackIdentity.test(), false);
        ContainerSpec up = PlatformContainers.postgres(StackIdentity.up(), true);

        assertThat(test.command())
                .startsWith("postgres")
                .containsSubsequence("-c", "synchronous_commit=off")
                .containsSubsequence("-c", "fsync=off");
        assertThat(up.command())
                .as("the image's own command: PostgreSQL's durable defaults")
                .isEmpty();
        assertThat(PlatformContainers.postgres(StackIdentity.up(), false).fingerprint("sha256:1"))
                .as("switching durability recreates the container")
                .isNotEqualTo(up.fingerprint("sha256:1"));
    }
}
