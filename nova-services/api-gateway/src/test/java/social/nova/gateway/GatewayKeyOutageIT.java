package social.nova.gateway;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.kit.RunningService;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * auth-service down for longer than the max age of its public keys: every service keeps verifying
 * access tokens with the last keys it fetched (nova-auth-client's {@code jwks-max-stale}), so
 * signed-in reads that do not need auth-service keep working. Runs on a Consul agent of its own,
 * since auth-service leaves the fleet.
 */
class GatewayKeyOutageIT {
    /** Short, so that the test outlives it; auth-service announces whole seconds. */
    private static final Duration KEYS_MAX_AGE = Duration.ofSeconds(2);
    /** Every verification goes to the keys (no token is taken as verified from memory). */
    private static final Map<String, String> NO_VERIFIED_CACHE = Map.of("auth-client.verified-cache.ttl", "PT0S");

    private final ConsulContainer consul = SharedContainers.newConsul();
    private RunningService auth;
    private RunningService users;
    private RunningService gateway;

    @AfterEach
    void stop() {
        for (RunningService service : new RunningService[] {gateway, users, auth}) {
            if (service != null) {
                service.stop();
            }
        }
        consul.stop();
    }

    @Test
    void signedInReadsKeepWorkingWhileAuthServiceIsDownPastTheKeysMaxAge() {
        consul.start();
        auth = TestServices.auth(consul, Map.of("auth.keys.jwks-max-age", KEYS_MAX_AGE.toString()));
        users = TestServices.users(consul, NO_VERIFIED_CACHE);
        gateway = TestServices.gateway(consul, NO_VERIFIED_CACHE);
        GatewayClient client = new GatewayClient(TestServices.baseUri(consul, gateway));
        GatewayFixture.awaitRouting(client, "auth-service", "user-service");
        GatewayClient.Account account = client.registerAndLogin();
        await().atMost(Duration.ofSeconds(15)).until(() -> client.get("/api/v1/users/me", account.accessToken()).status() == 200);

        auth.stop();
        auth = null;
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() ->
                "NOT_SERVING".equals(GatewayClient.byName(client.get("/health", null).json().path("services"),
                        "auth-service").path("status").asText()));
        // Past the max age of the keys both the gateway and user-service hold.
        long readsPastMaxAge = 0;
        long until = System.nanoTime() + KEYS_MAX_AGE.multipliedBy(3).toNanos();
        while (System.nanoTime() < until) {
            var me = client.get("/api/v1/users/me", account.accessToken());
            assertThat(me.status()).as("signed-in read with auth-service down: %s", me.json()).isEqualTo(200);
            assertThat(me.json().path("id").asText()).isEqualTo(account.userId());
            readsPastMaxAge++;
        }
        assertThat(readsPastMaxAge).isPositive();
        assertThat(client.post("/api/v1/auth/login", Map.of("email", account.email(), "password", GatewayClient.PASSWORD),
                null).status()).as("signing in does need auth-service").isEqualTo(503);
    }
}
