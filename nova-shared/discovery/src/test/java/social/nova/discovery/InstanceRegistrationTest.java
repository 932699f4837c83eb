package social.nova.discovery;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstanceRegistrationTest {

    @Test
    void defaultsDeriveFromServiceNameAddressAndPort() {
        InstanceRegistration registration = InstanceRegistration.builder("auth-service")
                .address("10.1.2.3")
                .port(8080)
                .tag("grpc")
                .version("1.4.2")
                .gitCommit("0a1b2c3")
                .protoPackage("nova.auth.v1")
                .owner("team-identity")
                .build();

        assertThat(registration.instanceId()).matches("auth-service-[0-9a-f]{8}");
        assertThat(registration.grpcHealthService()).isEqualTo("auth-service");
        assertThat(registration.grpcCheckTarget()).isEqualTo("10.1.2.3:8080/auth-service");
        assertThat(registration.readinessUrl()).isEqualTo(URI.create("http://10.1.2.3:8080/observe/health/ready"));
        assertThat(registration.meta())
                .containsExactly(
                        Map.entry(InstanceMeta.VERSION, "1.4.2"),
                        Map.entry(InstanceMeta.GIT_COMMIT, "0a1b2c3"),
                        Map.entry(InstanceMeta.PROTO_PACKAGE, "nova.auth.v1"),
                        Map.entry(InstanceMeta.OWNER, "team-identity"));
        assertThat(registration.toServiceInstance().authority()).isEqualTo("10.1.2.3:8080");
    }

    @Test
    void generatedIdsDifferBetweenInstances() {
        InstanceRegistration.Builder builder =
                InstanceRegistration.builder("auth-service").address("h").port(1);

        assertThat(builder.build().instanceId()).isNotEqualTo(builder.build().instanceId());
    }

    @Test
    void ipv6AddressesAreBracketedInTargetsOnly() {
        InstanceRegistration registration = InstanceRegistration.builder("feed")
                .address("[fd00::7]")
                .port(9000)
                .readinessPath("/ready")
                .build();

        assertThat(registration.address()).isEqualTo("fd00::7");
        assertThat(registration.grpcCheckTarget()).isEqualTo("[fd00::7]:9000/feed");
        assertThat(registration.readinessUrl()).isEqualTo(URI.create("http://[fd00::7]:9000/ready"));
    }

    @Test
    void overridesWin() {
        InstanceRegistration registration = InstanceRegistration.builder("feed")
                .instanceId("feed-1")
                .address("h")
                .port(9000)
                .grpcHealthService("")
                .readinessUrl(URI.create("http://h:9001/ready"))
                .build();

        assertThat(registration.instanceId()).isEqualTo("feed-1");
        assertThat(registration.grpcCheckTarget()).isEqualTo("h:9000/");
        assertThat(registration.readinessUrl()).isEqualTo(URI.create("http://h:9001/ready"));
    }

    @Test
    void rejectsWhatConsulOrCallersCannotUse() {
        assertThatThrownBy(() -> InstanceRegistration.builder("Auth_Service")
                        .address("h")
                        .port(1)
                        .build())
                .hasMessageContaining("service name 'Auth_Service' must be a DNS label");
        assertThatThrownBy(() -> InstanceRegistration.builder("auth").port(1).build())
                .hasMessageContaining("address");
        assertThatThrownBy(() -> InstanceRegistration.builder("auth")
                        .address("0.0.0.0")
                        .port(1)
                        .build())
                .hasMessageContaining("wildcard");
        assertThatThrownBy(() -> InstanceRegistration.builder("auth")
                        .address("http://h")
                        .port(1)
                        .build())
                .hasMessageContaining("without scheme");
        assertThatThrownBy(() -> InstanceRegistration.builder("auth")
                        .address("h")
                        .port(0)
                        .build())
                .hasMessageContaining("must be 1..65535, was 0");
        assertThatThrownBy(() -> InstanceRegistration.builder("auth")
                        .address("h")
                        .port(1)
                        .meta("consul-version", "x")
                        .build())
                .hasMessageContaining("prefix 'consul-' that Consul reserves");
        assertThatThrownBy(() -> InstanceRegistration.builder("auth")
                        .address("h")
                        .port(1)
                        .meta("proto.package", "x")
                        .build())
                .hasMessageContaining("meta key 'proto.package'");
        assertThatThrownBy(() -> InstanceRegistration.builder("auth")
                        .address("h")
                        .port(1)
                        .meta("owner", "x".repeat(513))
                        .build())
                .hasMessageContaining("at most 512 characters");
        assertThatThrownBy(() -> InstanceRegistration.builder("auth")
                        .address("h")
                        .port(1)
                        .readinessUrl(URI.create("/ready"))
                        .build())
                .hasMessageContaining("absolute http(s) URL");
        assertThatThrownBy(() -> InstanceRegistration.builder("auth")
                        .address("h")
                        .port(1)
                        .tag(" ")
                        .build())
                .hasMessageContaining("tags");
    }

    @Test
    void rejectsMoreMetaThanConsulAllows() {
        Map<String, String> meta = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            meta.put("k" + i, "v");
        }
        InstanceRegistration.Builder builder =
                InstanceRegistration.builder("auth").address("h").port(1);
        meta.forEach(builder::meta);

        assertThatThrownBy(builder::build).hasMessageContaining("at most 64 meta pairs");
    }

    @Test
    void aTaggedAddressIsReadFromHostAndPortAndCheckedLikeTheAddress() {
        InstanceRegistration registration = InstanceRegistration.builder("user-service")
                .address("user-service-1")
                .port(8080)
                .taggedAddress(
                        InstanceRegistration.HOST_ADDRESS_TAG,
                        InstanceRegistration.TaggedAddress.parse("127.0.0.1:49153"))
                .build();

        assertThat(registration.taggedAddresses())
                .containsExactly(Map.entry("wan", new InstanceRegistration.TaggedAddress("127.0.0.1", 49153)));
        assertThat(InstanceRegistration.TaggedAddress.parse("[::1]:8080").address())
                .isEqualTo("::1");
        assertThatThrownBy(() -> InstanceRegistration.TaggedAddress.parse("127.0.0.1"))
                .hasMessage("address '127.0.0.1' must be host:port");
        assertThatThrownBy(() -> InstanceRegistration.TaggedAddress.parse("0.0.0.0:8080"))
                .hasMessageContaining("is a wildcard that nobody can dial");
        assertThatThrownBy(() -> InstanceRegistration.builder("user-service")
                        .address("u")
                        .port(1)
                        .taggedAddress("Host Port", new InstanceRegistration.TaggedAddress("h", 1))
                        .build())
                .hasMessageStartingWith("tagged address key 'Host Port' must be 1 to 64 lowercase letters");
    }
}
