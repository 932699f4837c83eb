package social.nova.harness;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class PlatformContainersTest {
    @Test
    void aTestStacksDatabaseSkipsFsyncButKeepsCommitsSynchronousAndTheUpStacksIsDurable() {
        ContainerSpec test = PlatformContainers.postgres(StackIdentity.test(), false);
        ContainerSpec up = PlatformContainers.postgres(StackIdentity.up(), true);

        assertThat(test.command())
                .startsWith("postgres")
                .containsSubsequence("-c", "fsync=off")
                .as("an acknowledged commit must survive a restart of PostgreSQL (FaultsIT)")
                .doesNotContain("synchronous_commit=off");
        assertThat(up.command())
                .as("the image's own command: PostgreSQL's durable defaults")
                .isEmpty();
        assertThat(PlatformContainers.postgres(StackIdentity.up(), false).fingerprint("sha256:1"))
                .as("switching durability recreates the container")
                .isNotEqualTo(up.fingerprint("sha256:1"));
    }

    @Test
    void theMailServerAnswersSmtpAndImapOnTheStacksNetworkForEveryAddressWithoutAuthentication() {
        ContainerSpec mail = PlatformContainers.mail(StackIdentity.up());

        assertThat(mail.name()).isEqualTo("nova-mail");
        assertThat(mail.aliases()).as("what MAIL_SMTP_HOST names").containsExactly("mail");
        assertThat(mail.labels()).containsEntry(StackIdentity.ROLE_LABEL, "mail");
        assertThat(mail.published())
                .as("SMTP and IMAP on free host ports")
                .containsOnly(entry(3025, 0), entry(3143, 0));
        assertThat(Arrays.asList(mail.env().get("GREENMAIL_OPTS").split(" ")))
                .as("GreenMail's options, read by the official image and the local one")
                .containsExactlyInAnyOrder(
                        "-Dgreenmail.setup.test.smtp",
                        "-Dgreenmail.setup.test.imap",
                        "-Dgreenmail.hostname=0.0.0.0",
                        "-Dgreenmail.auth.disabled");
        assertThat(mail.command())
                .as("the image's own: java with GREENMAIL_OPTS")
                .isEmpty();
    }
}
