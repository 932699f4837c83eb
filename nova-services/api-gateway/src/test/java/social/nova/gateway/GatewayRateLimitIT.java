package social.nova.gateway;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.nova.kit.RunningService;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that sends too much is told to wait, with Retry-After, and cannot dodge it with headers. */
class GatewayRateLimitIT {
    private static final int LIMIT = 5;
    private static RunningService gateway;
    private static GatewayClient client;

    @BeforeAll
    static void start() {
        GatewayFixture.shared(); // the auth stub (the key set) registered in the shared Consul
        var consul = SharedContainers.consul();
        gateway = TestServices.gateway(
                consul,
                Map.of(
                        "consul.register",
                        "false",
                        "gateway.rate-limit.name",
                        "it-" + UUID.randomUUID(),
                        "gateway.rate-limit.limit",
                        String.valueOf(LIMIT),
                        "gateway.rate-limit.window",
                        "PT1M"));
        client = new GatewayClient(TestServices.baseUri(consul, gateway));
    }

    @AfterAll
    static void stop() {
        gateway.stop();
    }

    @Test
    void theRequestOverTheLimitIs429WithRetryAfterAndHealthIsNeverLimited() {
        for (int i = 0; i < LIMIT; i++) {
            // Spoofed forwarding headers do not make another client: the gateway does not trust them by default.
            var answer =
                    client.send("GET", "/api/v1/users/me", null, null, Map.of("X-Forwarded-For", "203.0.113." + i));
            assertThat(answer.status()).as("request %s", i + 1).isEqualTo(401);
        }
        var limited = client.send("GET", "/api/v1/users/me", null, null, Map.of("X-Forwarded-For", "198.51.100.9"));

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.errorCode()).isEqualTo("RESOURCE_EXHAUSTED");
        int retryAfter = Integer.parseInt(limited.header("Retry-After"));
        assertThat(retryAfter).isBetween(1, 60);
        assertThat(limited.json().path("error").path("details").findValuesAsText("type"))
                .contains("retryInfo", "errorInfo");
        assertThat(limited.json().path("error").path("requestId").asText()).isEqualTo(limited.header("X-Request-Id"));

        assertThat(client.post("/api/v1/auth/login", Map.of("email", "a@b.c", "password", "x"), null)
                        .status())
                .as("every /api route shares the client's budget")
                .isEqualTo(429);
        assertThat(client.get("/health", null).status())
                .as("probes are not limited")
                .isEqualTo(200);
    }
}
