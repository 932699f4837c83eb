package social.nova.harness.cli;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import static social.nova.harness.cli.GatewayConnection.expect;
import static social.nova.harness.cli.GatewayConnection.field;

/** A user the benchmark signed up through the gateway, as an app does, with its first token pair. */
record BenchUser(String userId, String accessToken, String refreshToken) {
    private static final String PASSWORD = "correct horse battery staple";

    /**
     * Registers a new user, signs in, and waits until user-service has the profile (it follows
     * auth-service's {@code UserRegistered} event), so every route works for the user.
     */
    static BenchUser signUp(URI gateway, String prefix) {
        String handle = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String email = handle + "@example.com";
        try (GatewayConnection connection = new GatewayConnection(gateway)) {
            String userId = field(
                    expect(
                            201,
                            connection.send(
                                    "POST",
                                    "/api/v1/auth/register",
                                    null,
                                    "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"username\":\""
                                            + handle + "\",\"displayName\":\"Bench\"}")),
                    "userId");
            String login = expect(
                    200,
                    connection.send(
                            "POST",
                            "/api/v1/auth/login",
                            null,
                            "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}"));
            BenchUser user = new BenchUser(userId, field(login, "accessToken"), field(login, "refreshToken"));
            for (int i = 0; i < 100; i++) {
                if (connection
                                .send("GET", "/api/v1/users/me", user.accessToken(), null)
                                .status()
                        == 200) {
                    return user;
                }
                Benchmark.sleep(Duration.ofMillis(100));
            }
            throw new IllegalStateException("the profile of benchmark user " + userId + " did not appear in 10 s");
        }
    }
}
