package social.nova.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Waiting for passing instances, on the shared agent with a TTL check the test turns to passing. */
class ConsulHealthIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ConsulContainer CONSUL = SharedContainers.consul();
    private static final String SERVICE = "consul-health-it-" + UUID.randomUUID();

    @AfterAll
    static void deregister() throws Exception {
        put("/v1/agent/service/deregister/" + SERVICE, "");
    }

    @Test
    void waitsForAPassingInstanceAndGivesUpWhenNoneComes() throws Exception {
        put("/v1/agent/service/register", """
                {"ID": "%s", "Name": "%s", "Check": {"TTL": "60s", "Status": "critical"}}""".formatted(SERVICE, SERVICE));

        assertThatThrownBy(() -> ConsulHealth.awaitPassing(CONSUL, Duration.ofMillis(500), SERVICE))
                .isInstanceOf(ConditionTimeoutException.class)
                .hasMessageContaining(SERVICE);
        assertThatThrownBy(() -> ConsulHealth.awaitPassing(CONSUL, Duration.ofMillis(500), "no-such-service"))
                .isInstanceOf(ConditionTimeoutException.class);

        put("/v1/agent/check/pass/service:" + SERVICE, "");
        ConsulHealth.awaitPassing(CONSUL, Duration.ofSeconds(5), SERVICE);
    }

    @Test
    void registrationValuesPointAtTheAgentGiven() throws Exception {
        var values = ServiceConfigs.registeredIn(CONSUL);
        assertThat(values).containsEntry("consul.register", "true").containsEntry("consul.checks.interval", "PT1S");
        HttpResponse<String> leader = HTTP.send(
                HttpRequest.newBuilder(URI.create(values.get("consul.url")).resolve("/v1/status/leader"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(leader.statusCode()).isEqualTo(200);
        assertThat(values.get("service.advertise-address"))
                .isEqualTo(values.get("server.host"))
                .isEqualTo(SharedContainers.hostAddressSeenFrom(CONSUL));
    }

    private static void put(String path, String body) throws Exception {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(SharedContainers.consulHttpUri(CONSUL).resolve(path))
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("PUT %s: %s", path, answer.body()).isEqualTo(200);
    }
}
