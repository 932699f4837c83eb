package social.nova.harness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import social.nova.harness.latency.EdgeLatency;
import social.nova.harness.latency.ExitCriterion;
import social.nova.harness.latency.FixedRateLoad;
import social.nova.harness.latency.FixedRateLoad.Operation;
import social.nova.harness.latency.LatencySettings;
import social.nova.harness.latency.RpcEdgeMetrics;
import social.nova.harness.report.NovaReport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Bounded fixed-rate load through the gateway, with each edge's latency: the load generator's own
 * measurement of every route, and the services' client metrics for every gRPC call between them.
 * Judges the plan's exit criterion and writes {@code target/nova-report/index.html} and {@code report.json}.
 */
@ExtendWith(NovaStackExtension.class)
class LatencyIT {
    private static final int USERS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path REPORT = Path.of("target", "nova-report");
    private static final String LOAD = "load";
    private static final Duration PROFILE_TIMEOUT = Duration.ofSeconds(20);

    @Test
    void crossServiceCallsStayUnderTheExitCriterionAtASteadyLoad(NovaStack stack) throws Exception {
        assumeTrue(stack.gatewayUri().isPresent(), "api-gateway is not built: the load goes through it");
        LatencySettings settings = LatencySettings.create(Config.create().get("nova.latency"));
        HttpClient http = HttpClient.newHttpClient();
        Gateway gateway = new Gateway(http, stack.gatewayUri().get(), settings.requestTimeout());
        List<User> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(gateway.signUp());
        }

        AtomicReference<Map<RpcEdgeMetrics.Edge, RpcEdgeMetrics.Totals>> before = new AtomicReference<>();
        List<FixedRateLoad.Outcome> outcomes = FixedRateLoad.run(gateway.mix(users), settings,
                () -> before.set(RpcEdgeMetrics.scrape(stack.metricsEndpoints(), http, settings.requestTimeout())));
        Map<RpcEdgeMetrics.Edge, RpcEdgeMetrics.Totals> after =
                RpcEdgeMetrics.scrape(stack.metricsEndpoints(), http, settings.requestTimeout());

        assertThat(before.get()).as("the services' metrics at the end of the warm-up").isNotNull();
        String edgeName = stack.fleet().edge().orElseThrow().name();
        List<EdgeLatency> edges = new ArrayList<>();
        outcomes.forEach(outcome -> edges.add(EdgeLatency.measured(LOAD, edgeName, outcome)));
        List<EdgeLatency> grpcEdges = RpcEdgeMetrics.between(before.get(), after);
        edges.addAll(grpcEdges);
        ExitCriterion criterion = ExitCriterion.judge(edges, settings.threshold());
        NovaReport.write(REPORT, new NovaReport.Report(Instant.now().toString(), stack.gitCommit(),
                stack.status().services(),
                new NovaReport.Load(settings.rate(), settings.warmup().toMillis() / 1000.0,
                        settings.duration().toMillis() / 1000.0, settings.totalRequests(),
                        outcomes.stream().map(FixedRateLoad.Outcome::operation).toList()),
                edges, criterion));

        assertThat(outcomes).allSatisfy(outcome -> {
            assertThat(outcome.latency().count()).as(outcome.operation()).isPositive();
            assertThat(outcome.errors()).as("failed %s", outcome.operation()).isZero();
        });
        assertThat(grpcEdges).extracting(edge -> edge.from() + " -> " + edge.to())
                .contains(edgeName + " -> auth-service", edgeName + " -> user-service", edgeName + " -> content-service");
        assertThat(criterion.failures()).as(criterion.criterion()).isEmpty();
        assertThat(REPORT.resolve("index.html")).isRegularFile();
        assertThat(REPORT.resolve("report.json")).isRegularFile();
    }

    /** A signed-up user with one post; the refresh token rotates on every refresh. */
    private record User(String id, String accessToken, AtomicReference<String> refreshToken, String postId) {
    }

    /** The gateway's REST API, as the load uses it. */
    private record Gateway(HttpClient http, URI uri, Duration timeout) {
        User signUp() throws Exception {
            String name = "load" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            String email = name + "@example.com";
            String password = "correct horse battery " + name;
            JsonNode registered = send("POST", "/api/v1/auth/register", null,
                    Map.of("email", email, "password", password, "username", name, "displayName", name), 201);
            JsonNode tokens = send("POST", "/api/v1/auth/login", null, Map.of("email", email, "password", password), 200);
            String access = tokens.get("accessToken").asText();
            // The profile follows from the UserRegistered event (outbox, Redis stream): eventually.
            await().atMost(PROFILE_TIMEOUT).until(() -> ok("GET", "/api/v1/users/me", access, null, 200));
            JsonNode post = send("POST", "/api/v1/posts", access, Map.of("text", "hello from " + name), 201);
            return new User(registered.get("userId").asText(), access,
                    new AtomicReference<>(tokens.get("refreshToken").asText()), post.get("id").asText());
        }

        /** Reads and writes across the graph: gateway to users, content (which calls users) and auth. */
        List<Operation> mix(List<User> users) {
            AtomicInteger next = new AtomicInteger();
            java.util.function.Supplier<User> user = () -> users.get(Math.floorMod(next.getAndIncrement(), users.size()));
            return List.of(
                    new Operation("GET /api/v1/users/me", () -> ok("GET", "/api/v1/users/me", user.get().accessToken(), null, 200)),
                    new Operation("GET /api/v1/posts/{id}", () -> {
                        User u = user.get();
                        return ok("GET", "/api/v1/posts/" + u.postId(), u.accessToken(), null, 200);
                    }),
                    new Operation("POST /api/v1/posts", () -> ok("POST", "/api/v1/posts", user.get().accessToken(),
                            Map.of("text", "steady load"), 201)),
                    new Operation("PUT /api/v1/posts/{id}/like", () -> {
                        User u = user.get();
                        return ok("PUT", "/api/v1/posts/" + u.postId() + "/like", u.accessToken(), null, 204);
                    }),
                    new Operation("GET /api/v1/users/{id}/posts", () -> {
                        User u = user.get();
                        return ok("GET", "/api/v1/users/" + u.id() + "/posts?limit=10", u.accessToken(), null, 200);
                    }),
                    new Operation("POST /api/v1/auth/refresh", () -> refresh(user.get())));
        }

        private boolean refresh(User user) throws Exception {
            // Refresh tokens are single-use: one refresh per user at a time, each with the latest token.
            synchronized (user) {
                HttpResponse<String> response = exchange("POST", "/api/v1/auth/refresh", null,
                        Map.of("refreshToken", user.refreshToken().get()));
                if (response.statusCode() != 200) {
                    return false;
                }
                user.refreshToken().set(JSON.readTree(response.body()).get("refreshToken").asText());
                return true;
            }
        }

        private boolean ok(String method, String path, String token, Object body, int expected) throws Exception {
            return exchange(method, path, token, body).statusCode() == expected;
        }

        private JsonNode send(String method, String path, String token, Object body, int expected) throws Exception {
            HttpResponse<String> response = exchange(method, path, token, body);
            assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(expected);
            return JSON.readTree(response.body());
        }

        private HttpResponse<String> exchange(String method, String path, String token, Object body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri.resolve(path)).timeout(timeout)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
