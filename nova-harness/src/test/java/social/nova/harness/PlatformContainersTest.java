package social.nova.harness;

import java.net.URI;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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

    @Test
    void theObjectStoreServesS3OnTheStacksNetworkWithTheDevelopmentKeyPairOnTheFilesystemBackend() {
        ContainerSpec store = PlatformContainers.objectStore(StackIdentity.up());

        assertThat(store.name()).isEqualTo("nova-objectstore");
        assertThat(store.aliases()).as("what the endpoint in the network names").containsExactly("objectstore");
        assertThat(PlatformContainers.OBJECT_STORE_NETWORK_ENDPOINT).hasToString("http://objectstore:80");
        assertThat(store.labels()).containsEntry(StackIdentity.ROLE_LABEL, "objectstore");
        assertThat(store.published()).as("S3 on a free host port").containsOnly(entry(80, 0));
        assertThat(store.env())
                .as("the official image's variables, read by it and by the local one")
                .containsEntry("S3PROXY_ENDPOINT", "http://0.0.0.0:80")
                .containsEntry("S3PROXY_AUTHORIZATION", "aws-v2-or-v4")
                .containsEntry("S3PROXY_IDENTITY", PlatformContainers.OBJECT_STORE_ACCESS_KEY)
                .containsEntry("S3PROXY_CREDENTIAL", PlatformContainers.OBJECT_STORE_SECRET_KEY)
                .as("path-style only")
                .containsEntry("S3PROXY_VIRTUALHOST", "")
                .containsEntry("JCLOUDS_PROVIDER", "filesystem")
                .containsEntry("JCLOUDS_FILESYSTEM_BASEDIR", "/data");
        assertThat(store.command())
                .as("the image's own: run-docker-container.sh")
                .isEmpty();
        assertThat(store.dependsOn()).isEmpty();
        assertThat(PlatformContainers.objectStore(StackIdentity.up()).fingerprint("sha256:1"))
                .as("the same spec keeps the up stack's container, and its objects")
                .isEqualTo(store.fingerprint("sha256:1"));
    }

    @Test
    void keycloakKnowsItsPublicAddressServesTheNetworkOnItsAliasAndImportsTheRealmAtStart() {
        ContainerSpec oidc = PlatformContainers.oidc(StackIdentity.up(), 41234, URI.create("http://localhost:41234"));

        assertThat(oidc.name()).isEqualTo("nova-oidc");
        assertThat(oidc.aliases())
                .as("what the discovery URI in the network names")
                .containsExactly("oidc");
        assertThat(oidc.labels()).containsEntry(StackIdentity.ROLE_LABEL, "oidc");
        assertThat(oidc.published())
                .as("a fixed host port: Keycloak names it in the issuer, so it is chosen before the container")
                .containsOnly(entry(8080, 41234));
        assertThat(oidc.env())
                .containsEntry("KC_HOSTNAME", "http://localhost:41234")
                .containsEntry("KC_HOSTNAME_BACKCHANNEL_DYNAMIC", "true")
                .containsEntry("KC_HTTP_ENABLED", "true")
                .as("the options the local image is built with, so it starts without rebuilding")
                .containsEntry("KC_DB", "dev-file")
                .containsEntry("KC_HEALTH_ENABLED", "true")
                .containsEntry("KC_CACHE", "local");
        assertThat(oidc.command())
                .as("kc.sh's arguments, read the same by the official image and the local one")
                .containsExactly("start", "--import-realm");
        assertThat(oidc.files())
                .as("the realm, where --import-realm reads it, copied in before the start")
                .containsExactly(new ContainerFile("/opt/keycloak/data/import/nova-realm.json", OidcRealm.realmJson()));
        assertThat(oidc.memoryBytes()).isEqualTo(768L << 20);
        assertThat(oidc.env().get("JAVA_OPTS_KC_HEAP"))
                .as("the heap bounded to half the limit, the other half for metaspace, code and the rest")
                .contains("-XX:MaxRAMPercentage=50");
        assertThat(PlatformContainers.oidc(StackIdentity.up(), 41235, URI.create("http://localhost:41235"))
                        .fingerprint("sha256:1"))
                .as("another host port is another issuer: a new container")
                .isNotEqualTo(oidc.fingerprint("sha256:1"));
    }

    @Test
    void theMediaServerPublishesRtmpAndHlsKeepsItsControlPortInTheNetworkAndCallsStreamingServiceWithTheSecret() {
        URI callback = PlatformContainers.mediaServerCallback("streaming-service", 8088, "0123abcd");
        ContainerSpec media =
                PlatformContainers.mediaServer(StackIdentity.up(), ToolImages.MEDIA_SERVER, callback, 1935, 8090);

        assertThat(callback).hasToString("http://streaming-service:8088/media-server/0123abcd");
        assertThat(media.name()).isEqualTo("nova-media-server");
        assertThat(media.image()).isEqualTo("nova/nginx-rtmp:harness");
        assertThat(media.aliases())
                .as("what streaming-service's control URL names")
                .containsExactly("media-server");
        assertThat(PlatformContainers.MEDIA_SERVER_CONTROL_URL).hasToString("http://media-server:8081/control");
        assertThat(media.labels()).containsEntry(StackIdentity.ROLE_LABEL, "media-server");
        assertThat(media.published())
                .as("RTMP and HLS on the host ports decided before the container; control (8081) never")
                .containsOnly(entry(1935, 1935), entry(8080, 8090));
        assertThat(media.env()).containsOnly(entry("NOVA_STREAMING_CALLBACK", callback.toString()));
        assertThat(media.command()).as("the image's own: start-media-server").isEmpty();
        assertThat(media.dependsOn()).isEmpty();
        assertThat(PlatformContainers.mediaServer(
                                StackIdentity.up(),
                                ToolImages.MEDIA_SERVER,
                                PlatformContainers.mediaServerCallback("streaming-service", 8088, "other"),
                                1935,
                                8090)
                        .fingerprint("sha256:1"))
                .as("another secret is a new container")
                .isNotEqualTo(media.fingerprint("sha256:1"));
        assertThatThrownBy(() -> PlatformContainers.mediaServerCallback("streaming-service", 8088, "a/b"))
                .as("the secret is one path segment, written into nginx.conf as is")
                .isInstanceOf(IllegalArgumentException.class);
    }
}
