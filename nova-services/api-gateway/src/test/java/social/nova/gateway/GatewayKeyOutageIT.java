package social.nova.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.user.v1.GetUserResponse;
import social.nova.contracts.user.v1.Profile;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.kit.RunningService;
import social.nova.servicetesting.RegisteredStub;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * auth-service down for longer than the max age of its public keys: the gateway keeps verifying
 * access tokens with the last keys it fetched (nova-auth-client's {@code jwks-max-stale}), so
 * signed-in reads that do not need auth-service keep working. Runs on a Consul agent of its own,
 * since auth-service (a stub announcing a 2 s max age) leaves the fleet.
 */
class GatewayKeyOutageIT {
    /** Short, so that the test outlives it; auth-service announces whole seconds. */
    private static final Duration KEYS_MAX_AGE = Duration.ofSeconds(2);
    /** Every verification goes to the keys (no token is taken as verified from memory). */
    private static final Map<String, String> NO_VERIFIED_CACHE = Map.of("auth-client.verified-cache.ttl", "PT0S");

    private final ConsulContainer consul = SharedContainers.newConsul();
    private StubbedAuthService auth;
    private RegisteredStub users;
    private RunningService gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        if (users != null) {
            users.close();
        }
        if (auth != null) {
            auth.close();
        }
        consul.stop();
    }

    @Test
    void signedInReadsKeepWorkingWhileAuthServiceIsDownPastTheKeysMaxAge() {
        consul.start();
        auth = StubbedAuthService.start(null, consul, KEYS_MAX_AGE);
        users = RegisteredStub.start("user-service", UserServiceGrpc.getServiceDescriptor(), null, consul);
        String userId = UUID.randomUUID().toString();
        users.stubs()
                .stub(UserServiceGrpc.getGetUserMethod())
                .whenField("user_id", userId)
                .willReturn(GetUserResponse.newBuilder()
                        .setProfile(Profile.newBuilder().setId(userId).setUsername("kept"))
                        .build());
        gateway = TestServices.gateway(consul, NO_VERIFIED_CACHE);
        GatewayClient client = new GatewayClient(TestServices.baseUri(consul, gateway));
        GatewayFixture.awaitRouting(client, "auth-service", "user-service");
        String token = auth.accessToken(userId);
        assertThat(client.get("/api/v1/users/me", token).status()).isEqualTo(200);

        auth.close();
        auth = null;
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "NOT_SERVING"
                        .equals(GatewayClient.byName(
                                        client.get("/health", null).json().path("services"), "auth-service")
                                .path("status")
                                .asText()));
        // Past the max age of the keys the gateway holds.
        long readsPastMaxAge = 0;
        long until = System.nanoTime() + KEYS_MAX_AGE.multipliedBy(3).toNanos();
        while (System.nanoTime() < until) {
            var me = client.get("/api/v1/users/me", token);
            assertThat(me.status())
                    .as("signed-in read with auth-service down: %s", me.json())
                    .isEqualTo(200);
            assertThat(me.json().path("id").asText()).isEqualTo(userId);
            readsPastMaxAge++;
        }
        assertThat(readsPastMaxAge).isPositive();
        assertThat(client.post(
                                "/api/v1/auth/login",
                                Map.of("email", "kept@example.com", "password", "whatever it is"),
                                null)
                        .status())
                .as("signing in does need auth-service")
                .isEqualTo(503);
    }
}
