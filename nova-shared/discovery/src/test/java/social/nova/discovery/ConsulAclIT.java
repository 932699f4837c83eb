package social.nova.discovery;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.testing.PlatformImages;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static social.nova.discovery.ConsulTestSupport.FIRST_PASS;
import static social.nova.discovery.ConsulTestSupport.Recorder;
import static social.nova.discovery.ConsulTestSupport.agentServiceIds;
import static social.nova.discovery.ConsulTestSupport.fastSettings;
import static social.nova.discovery.ConsulTestSupport.hostAddressSeenBy;
import static social.nova.discovery.ConsulTestSupport.uniqueServiceName;

/**
 * An agent with ACLs on and everything denied by default: the token must travel with every
 * request, and a missing one must be reported plainly.
 */
@SuppressWarnings("try") // subscriptions are held open by try-with-resources, not used
class ConsulAclIT {
    private static final String MANAGEMENT_TOKEN = UUID.randomUUID().toString();
    private static final Pattern MAJOR_MINOR = Pattern.compile(":(\\d+)\\.(\\d+)");
    /** Consul 1.11 renamed acl.tokens.master to acl.tokens.initial_management. */
    private static final int RENAMED_IN_MINOR = 11;

    private static ConsulContainer consul;
    private static URI consulUrl;
    private static String host;

    @BeforeAll
    static void startAgentWithAcls() {
        consul = SharedContainers.newConsul()
                .withCommand("agent", "-dev", "-client", "0.0.0.0", "-hcl", aclConfig(PlatformImages.CONSUL.tag()));
        consul.start();
        consulUrl = SharedContainers.consulHttpUri(consul);
        host = hostAddressSeenBy(consul);
    }

    @AfterAll
    static void stopAgent() {
        consul.close();
    }

    @Test
    void withTheTokenTheInstanceIsRegisteredAndWatchersWithTheTokenSeeIt() throws Exception {
        String service = uniqueServiceName("acl");
        ConsulSettings withToken =
                fastSettings(consulUrl).aclToken(MANAGEMENT_TOKEN).build();
        Recorder watcher = new Recorder();
        try (TestInstance instance = TestInstance.start(service, host);
                ConsulRegistrar registrar = ConsulRegistrar.create(
                        withToken, instance.registration().build());
                ConsulServiceDirectory directory = ConsulServiceDirectory.create(withToken);
                ConsulServiceDirectory anonymous =
                        ConsulServiceDirectory.create(fastSettings(consulUrl).build());
                ServiceDirectory.Subscription ignored = directory.watchHealthy(service, watcher)) {
            registrar.register();

            assertThat(agentServiceIds(consulUrl, MANAGEMENT_TOKEN)).contains(registrar.instanceId());
            await().atMost(FIRST_PASS)
                    .until(() -> List.of(registrar.instanceId()).equals(watcher.latestIds()));
            // Consul filters what a request may not read instead of failing it.
            assertThat(anonymous.healthyInstances(service)).isEmpty();
            assertThat(directory.healthyInstances(service))
                    .extracting(ServiceInstance::id)
                    .containsExactly(registrar.instanceId());
        }
    }

    @Test
    void withoutATokenRegistrationIsRefusedWithAClearError() throws Exception {
        String service = uniqueServiceName("acl");
        try (TestInstance instance = TestInstance.start(service, host);
                ConsulRegistrar registrar = ConsulRegistrar.create(
                        fastSettings(consulUrl).build(), instance.registration().build())) {
            assertThatThrownBy(registrar::register)
                    .isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("refused to register " + registrar.instanceId())
                    .hasMessageContaining("403")
                    .hasMessageContaining("Permission denied")
                    .hasMessageContaining("No ACL token is configured: set consul.acl-token");
            assertThat(agentServiceIds(consulUrl, MANAGEMENT_TOKEN)).doesNotContain(registrar.instanceId());
        }
    }

    @Test
    void anUnknownTokenIsRefusedToo() throws Exception {
        String service = uniqueServiceName("acl");
        ConsulSettings wrongToken =
                fastSettings(consulUrl).aclToken(UUID.randomUUID().toString()).build();
        try (TestInstance instance = TestInstance.start(service, host);
                ConsulRegistrar registrar = ConsulRegistrar.create(
                        wrongToken, instance.registration().build())) {
            assertThatThrownBy(registrar::register)
                    .isInstanceOf(DiscoveryException.class)
                    .hasMessageContaining("403")
                    .hasMessageContaining("The configured ACL token (consul.acl-token)")
                    .hasMessageNotContaining(wrongToken.aclToken());
        }
    }

    /**
     * ACLs on, deny by default, one management token (also the agent's own). Consul before 1.11
     * calls that token {@code master}, later versions {@code initial_management}; the image's
     * version decides, and a tag without one (e.g. {@code latest}) is taken as current.
     */
    static String aclConfig(String imageTag) {
        String managementKey = legacyTokenNames(imageTag) ? "master" : "initial_management";
        return """
                acl {
                  enabled = true
                  default_policy = "deny"
                  tokens {
                    %s = "%s"
                    agent = "%s"
                  }
                }
                """.formatted(managementKey, MANAGEMENT_TOKEN, MANAGEMENT_TOKEN);
    }

    private static boolean legacyTokenNames(String imageTag) {
        Matcher version = MAJOR_MINOR.matcher(imageTag);
        return version.find()
                && Integer.parseInt(version.group(1)) == 1
                && Integer.parseInt(version.group(2)) < RENAMED_IN_MINOR;
    }
}
