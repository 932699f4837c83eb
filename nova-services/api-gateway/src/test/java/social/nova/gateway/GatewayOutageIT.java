package social.nova.gateway;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.LoginResponse;
import social.nova.contracts.auth.v1.RefreshResponse;
import social.nova.contracts.auth.v1.TokenPair;
import social.nova.contracts.user.v1.GetUserResponse;
import social.nova.contracts.user.v1.Profile;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.kit.RunningService;
import social.nova.servicetesting.RegisteredStub;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service going down or hanging takes only its own routes with it, and they fail fast. Runs on
 * a Consul agent of its own, so that the stopped service is gone from the whole (test) fleet.
 */
class GatewayOutageIT {
    /** "Fast": well under the 5 s deadline a call to a hanging service would wait. */
    private static final Duration FAST = Duration.ofMillis(1000);

    private static ConsulContainer consul;
    private static StubbedAuthService auth;
    /** What each test started, stopped after it. */
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    @BeforeAll
    static void startConsulAndAuth() {
        consul = SharedContainers.newConsul();
        consul.start();
        auth = StubbedAuthService.start(null, consul);
        auth.stub()
                .stubs()
                .stub(AuthServiceGrpc.getLoginMethod())
                .whenField("password", "correct horse battery")
                .willAnswer(request -> LoginResponse.newBuilder()
                        .setTokens(TokenPair.newBuilder()
                                .setAccessToken("access")
                                .setRefreshToken("refresh-1")
                                .setTokenType("Bearer"))
                        .build());
        auth.stub()
                .stubs()
                .stub(AuthServiceGrpc.getLoginMethod())
                .when("a wrong password", request -> !request.getPassword().equals("correct horse battery"))
                .willFail(NovaException.builder(ErrorCode.UNAUTHENTICATED, "email or password is wrong")
                        .reason("INVALID_CREDENTIALS")
                        .build());
        auth.stub()
                .stubs()
                .stub(AuthServiceGrpc.getRefreshMethod())
                .whenField("refresh_token", "refresh-1")
                .willReturn(RefreshResponse.newBuilder()
                        .setTokens(TokenPair.newBuilder()
                                .setAccessToken("access")
                                .setRefreshToken("refresh-2")
                                .setTokenType("Bearer"))
                        .build());
    }

    @AfterAll
    static void stopConsulAndAuth() {
        auth.close();
        consul.stop();
    }

    @AfterEach
    void stopWhatTheTestStarted() throws Exception {
        while (!started.isEmpty()) {
            started.pop().close();
        }
    }

    @Test
    void withUserServiceStoppedItsRoutesAnswer503FastWhileSigningInKeepsWorking() {
        RegisteredStub users =
                RegisteredStub.start("user-service", UserServiceGrpc.getServiceDescriptor(), null, consul);
        started.push(users);
        String userId = UUID.randomUUID().toString();
        users.stubs()
                .stub(UserServiceGrpc.getGetUserMethod())
                .willReturn(GetUserResponse.newBuilder()
                        .setProfile(Profile.newBuilder().setId(userId))
                        .build());
        GatewayClient client = gateway(Map.of());
        GatewayFixture.awaitRouting(client, "auth-service", "user-service");
        String token = auth.accessToken(userId);
        assertThat(client.get("/api/v1/users/me", token).status()).isEqualTo(200);

        users.close();

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> client.get("/api/v1/users/me", token).status() == 503);
        for (String path :
                new String[] {"/api/v1/users/me", "/api/v1/users/" + userId, "/api/v1/users/" + userId + "/followers"
                }) {
            long started = System.nanoTime();
            var answer = client.get(path, token);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(answer.status()).as(path).isEqualTo(503);
            assertThat(answer.errorCode()).isEqualTo("UNAVAILABLE");
            assertThat(answer.header("Retry-After")).isNotBlank();
            assertThat(took).as("%s answered in %s", path, took).isLessThan(FAST);
        }

        var login = client.post(
                "/api/v1/auth/login",
                Map.of("email", "someone@example.com", "password", "correct horse battery"),
                null);
        assertThat(login.status()).isEqualTo(200);
        assertThat(client.post(
                                "/api/v1/auth/refresh",
                                Map.of(
                                        "refreshToken",
                                        login.json().path("refreshToken").asText()),
                                null)
                        .status())
                .isEqualTo(200);

        // /health answers from a view of Consul at most gateway.fleet.cache-for (1 s) old.
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    var health = client.get("/health", null);
                    assertThat(health.status())
                            .as("the gateway still routes: it stays in its load balancer")
                            .isEqualTo(200);
                    assertThat(health.json().path("status").asText()).isEqualTo("DEGRADED");
                    assertThat(entry(health.json(), "user-service")
                                    .path("status")
                                    .asText())
                            .isEqualTo("NOT_SERVING");
                    assertThat(entry(health.json(), "auth-service")
                                    .path("status")
                                    .asText())
                            .isEqualTo("SERVING");
                });
    }

    @Test
    void aHangingServiceTimesOutThenItsBreakerOpensAndItsRoutesFailFast() {
        start(SlowUserService.start(consul, Duration.ofSeconds(3)));
        GatewayClient client = gateway(Map.of(
                "rpc.clients.user-service.deadlines.default", "PT0.3S",
                "rpc.clients.user-service.circuit-breaker.minimum-number-of-calls", "4",
                "rpc.clients.user-service.circuit-breaker.sliding-window-size", "4",
                "rpc.clients.user-service.circuit-breaker.wait-duration-in-open-state", "PT60S"));
        GatewayFixture.awaitRouting(client, "auth-service", "user-service");
        String token = auth.accessToken(UUID.randomUUID().toString());

        String timedOutMessage = null;
        for (int call = 1; call <= 4; call++) {
            var timedOut = client.get("/api/v1/users/me", token);
            assertThat(timedOut.status())
                    .as("call %s waits for its deadline", call)
                    .isEqualTo(504);
            assertThat(timedOut.errorCode()).isEqualTo("DEADLINE_EXCEEDED");
            timedOutMessage = timedOut.json().path("error").path("message").asText();
        }
        long started = System.nanoTime();
        var open = client.get("/api/v1/users/" + UUID.randomUUID(), token);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(open.status()).isEqualTo(503);
        // The public message names no internal service, address or library (the log has the detail).
        assertThat(open.json().path("error").path("message").asText())
                .isEqualTo("the service is temporarily unavailable; retry later")
                .doesNotContain("user-service", "circuit breaker", "remote_addr");
        assertThat(timedOutMessage).isEqualTo("the service took too long to answer; retry later");
        assertThat(took).as("answered in %s", took).isLessThan(Duration.ofMillis(300));

        assertThat(client.post("/api/v1/auth/login", Map.of("email", "nobody@example.com", "password", "x"), null)
                        .status())
                .as("auth-service's routes are untouched")
                .isEqualTo(401);
        var health = client.get("/health", null);
        assertThat(entry(health.json(), "user-service").path("circuitBreaker").asText())
                .isEqualTo("OPEN");
        assertThat(entry(health.json(), "user-service").path("status").asText()).isEqualTo("NOT_SERVING");
        assertThat(health.status()).isEqualTo(200);
    }

    private RunningService start(RunningService service) {
        started.push(service::stop);
        return service;
    }

    /** A gateway of the test's own (so that its circuit breakers start closed). */
    private GatewayClient gateway(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(overrides);
        config.put("consul.register", "false");
        RunningService gateway = start(TestServices.gateway(consul, config));
        return new GatewayClient(TestServices.baseUri(consul, gateway));
    }

    private static JsonNode entry(JsonNode health, String name) {
        return GatewayClient.byName(health.path("services"), name);
    }
}
