package social.nova.discovery;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static social.nova.discovery.ConsulTestSupport.FIRST_PASS;
import static social.nova.discovery.ConsulTestSupport.agentServiceIds;
import static social.nova.discovery.ConsulTestSupport.fastSettings;
import static social.nova.discovery.ConsulTestSupport.get;
import static social.nova.discovery.ConsulTestSupport.hostAddressSeenBy;
import static social.nova.discovery.ConsulTestSupport.put;
import static social.nova.discovery.ConsulTestSupport.uniqueServiceName;

/** Registration against the shared Consul agent, which probes real gRPC and HTTP servers. */
class ConsulRegistrarIT {
    private static final ConsulContainer CONSUL = SharedContainers.consul();
    private static final URI CONSUL_URL = SharedContainers.consulHttpUri();
    private static final String HOST = hostAddressSeenBy(CONSUL);
    private static final Duration CATALOG_SYNC = Duration.ofMillis(500);

    @Test
    void registersAGrpcAndAnHttpCheckThatTheAgentRunsAndFindsPassing() throws Exception {
        String service = uniqueServiceName("registrar");
        try (TestInstance instance = TestInstance.start(service, HOST);
                ConsulRegistrar registrar = ConsulRegistrar.create(
                        fastSettings(CONSUL_URL).build(),
                        instance.registration()
                                .tag("grpc")
                                .tag("v1")
                                .version("1.4.2")
                                .gitCommit("0a1b2c3")
                                .protoPackage("nova.test.v1")
                                .owner("team-platform")
                                .taggedAddress(
                                        InstanceRegistration.HOST_ADDRESS_TAG,
                                        InstanceRegistration.TaggedAddress.parse("127.0.0.1:40123"))
                                .build())) {
            registrar.register();
            assertThat(registrar.isRegistered()).isTrue();

            await().atMost(FIRST_PASS).untilAsserted(() -> {
                JsonNode checks = get(CONSUL_URL, "/v1/health/checks/" + service);
                assertThat(field(checks, "Type")).containsExactlyInAnyOrder("grpc", "http");
                assertThat(field(checks, "Status")).containsOnly("passing");
                assertThat(field(checks, "ServiceID")).containsOnly(registrar.instanceId());
            });

            JsonNode registered = get(CONSUL_URL, "/v1/agent/services").get(registrar.instanceId());
            assertThat(registered.get("Service").asText()).isEqualTo(service);
            assertThat(registered.get("Address").asText()).isEqualTo(HOST);
            assertThat(registered.get("Port").asInt()).isEqualTo(instance.grpcPort());
            assertThat(field(registered.get("Tags"))).containsExactly("grpc", "v1");
            assertThat(registered.get("Meta").properties())
                    .extracting(Map.Entry::getKey, e -> e.getValue().asText())
                    .containsExactlyInAnyOrder(
                            tuple(InstanceMeta.VERSION, "1.4.2"),
                            tuple(InstanceMeta.GIT_COMMIT, "0a1b2c3"),
                            tuple(InstanceMeta.PROTO_PACKAGE, "nova.test.v1"),
                            tuple(InstanceMeta.OWNER, "team-platform"));

            // What a process outside the stack's network dials, as every health query returns it.
            JsonNode wan = get(CONSUL_URL, "/v1/health/service/" + service)
                    .get(0)
                    .path("Service")
                    .path("TaggedAddresses")
                    .path(InstanceRegistration.HOST_ADDRESS_TAG);
            assertThat(wan.path("Address").asText()).isEqualTo("127.0.0.1");
            assertThat(wan.path("Port").asInt()).isEqualTo(40123);

            JsonNode grpcCheck = get(CONSUL_URL, "/v1/agent/checks").get("service:" + registrar.instanceId() + ":grpc");
            assertThat(grpcCheck.get("Output").asText()).contains(HOST + ":" + instance.grpcPort() + "/" + service);
            JsonNode httpCheck =
                    get(CONSUL_URL, "/v1/agent/checks").get("service:" + registrar.instanceId() + ":ready");
            assertThat(httpCheck.get("Output").asText())
                    .contains(instance.readinessUrl().toString())
                    .contains("200");
        }
    }

    @Test
    void deregisterRemovesTheInstanceAtOnce() throws Exception {
        String service = uniqueServiceName("deregister");
        try (TestInstance instance = TestInstance.start(service, HOST);
                ConsulRegistrar registrar = ConsulRegistrar.create(
                        fastSettings(CONSUL_URL).build(),
                        instance.registration().build())) {
            registrar.register();
            assertThat(agentServiceIds(CONSUL_URL, null)).contains(registrar.instanceId());

            registrar.deregister();

            // The agent forgets it synchronously; its catalog copy follows by anti-entropy sync.
            assertThat(agentServiceIds(CONSUL_URL, null)).doesNotContain(registrar.instanceId());
            assertThat(registrar.isRegistered()).isFalse();
            await().atMost(CATALOG_SYNC)
                    .untilAsserted(() -> assertThat(get(CONSUL_URL, "/v1/health/checks/" + service))
                            .isEmpty());
        }
    }

    @Test
    void registersAgainWhenTheAgentForgetsTheInstance() throws Exception {
        String service = uniqueServiceName("forgotten");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (TestInstance instance = TestInstance.start(service, HOST);
                ConsulRegistrar registrar = ConsulRegistrar.create(
                        fastSettings(CONSUL_URL).build(),
                        instance.registration().build(),
                        meters)) {
            registrar.register();

            // Behind the registrar's back, as an operator or a reaping agent would.
            assertThat(put(CONSUL_URL, "/v1/agent/service/deregister/" + registrar.instanceId()))
                    .isEqualTo(200);
            assertThat(agentServiceIds(CONSUL_URL, null)).doesNotContain(registrar.instanceId());

            await().atMost(FIRST_PASS)
                    .untilAsserted(
                            () -> assertThat(agentServiceIds(CONSUL_URL, null)).contains(registrar.instanceId()));
            assertThat(meters.counter("nova.discovery.registrations", "service", service, "kind", "repair")
                            .count())
                    .isEqualTo(1.0);
            await().atMost(FIRST_PASS)
                    .untilAsserted(() -> assertThat(field(get(CONSUL_URL, "/v1/health/checks/" + service), "Status"))
                            .containsExactly("passing", "passing"));
        }
    }

    private static List<String> field(JsonNode array, String name) {
        List<String> values = new ArrayList<>();
        array.forEach(element -> values.add(element.get(name).asText()));
        return values;
    }

    private static List<String> field(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(element -> values.add(element.asText()));
        return values;
    }
}
