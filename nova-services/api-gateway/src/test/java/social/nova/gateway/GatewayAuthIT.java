package social.nova.gateway;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Accounts and tokens through the gateway, on a real auth-service found through Consul. */
class GatewayAuthIT {
    private final GatewayClient client = GatewayFixture.shared().client;

    @Test
    void registerThenLoginThenRefreshThenLogout() {
        String email = "flow-" + UUID.randomUUID() + "@example.com";
        var registered = client.post("/api/v1/auth/register", Map.of("email", email, "password", GatewayClient.PASSWORD,
                "username", "u_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20),
                "displayName", "Flow User"), null);
        assertThat(registered.status()).isEqualTo(201);
        String userId = registered.json().path("userId").asText();
        assertThat(UUID.fromString(userId)).isNotNull();

        var login = client.post("/api/v1/auth/login", Map.of("email", email, "password", GatewayClient.PASSWORD), null);
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.json().path("tokenType").asText()).isEqualTo("Bearer");
        assertThat(login.json().path("expiresIn").asLong()).isEqualTo(900);
        String refreshToken = login.json().path("refreshToken").asText();
        assertThat(login.json().path("accessToken").asText()).isNotBlank();

        var refreshed = client.post("/api/v1/auth/refresh", Map.of("refreshToken", refreshToken), null);
        assertThat(refreshed.status()).isEqualTo(200);
        String newRefreshToken = refreshed.json().path("refreshToken").asText();
        assertThat(newRefreshToken).isNotEqualTo(refreshToken);
        String accessToken = refreshed.json().path("accessToken").asText();

        var logout = client.post("/api/v1/auth/logout", Map.of("refreshToken", newRefreshToken), accessToken);
        assertThat(logout.status()).isEqualTo(204);
        assertThat(logout.raw().body()).isEmpty();
        var afterLogout = client.post("/api/v1/auth/refresh", Map.of("refreshToken", newRefreshToken), null);
        assertThat(afterLogout.status()).isEqualTo(401);
        assertThat(afterLogout.json().path("error").path("details").findValuesAsText("reason")).contains("SESSION_REVOKED");
    }

    @Test
    void logoutNeedsAnAccessToken() {
        var answer = client.post("/api/v1/auth/logout", Map.of("refreshToken", "x"), null);
        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void servicesRefusalsKeepTheirStatusDetailsAndHttpFieldNames() {
        var account = client.registerAndLogin();
        var taken = client.post("/api/v1/auth/register", Map.of("email", account.email(), "password", GatewayClient.PASSWORD,
                "username", "u_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20),
                "displayName", "Someone"), null);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.errorCode()).isEqualTo("ALREADY_EXISTS");
        assertThat(taken.json().path("error").path("details").findValuesAsText("reason")).contains("EMAIL_TAKEN");

        var invalid = client.post("/api/v1/auth/register", Map.of("email", "not-an-email", "password", "short",
                "username", "No Spaces!"), null);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().path("error").path("details").findValuesAsText("field"))
                .containsExactlyInAnyOrder("email", "password", "username", "displayName");

        var wrongPassword = client.post("/api/v1/auth/login", Map.of("email", account.email(), "password", "wrong!"), null);
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(wrongPassword.json().path("error").path("details").findValuesAsText("reason")).contains("INVALID_CREDENTIALS");
    }
}
