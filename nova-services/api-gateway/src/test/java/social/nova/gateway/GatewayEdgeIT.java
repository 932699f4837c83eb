package social.nova.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every client meets at the door, whatever the route: the error shape for bad input,
 * authentication, request ids, unknown routes and the API description.
 */
class GatewayEdgeIT {
    private final GatewayFixture fixture = GatewayFixture.shared();
    private final GatewayClient client = fixture.client;

    @AfterEach
    void everyCallWasStubbed() {
        fixture.assertEveryCallWasStubbed();
    }

    @Test
    void malformedJsonIsA400NamingWhereItBroke() {
        var answer = client.post("/api/v1/auth/login", "{\"email\": \"a@b.c\",\n \"password\": }", null);
        assertError(answer, 400, "INVALID_ARGUMENT");
        assertThat(message(answer)).startsWith("malformed JSON: ").contains("line 2");
    }

    @Test
    void unknownFieldsAndWrongTypesAre400sNamingTheField() {
        var unknown =
                client.post("/api/v1/auth/login", Map.of("email", "a@b.c", "password", "x", "remember", true), null);
        assertError(unknown, 400, "INVALID_ARGUMENT");
        assertThat(message(unknown)).startsWith("unknown field 'remember'");
        assertThat(violation(unknown).path("field").asText()).isEqualTo("remember");

        var wrongType = client.post("/api/v1/auth/login", Map.of("email", 42, "password", "x"), null);
        assertError(wrongType, 400, "INVALID_ARGUMENT");
        assertThat(violation(wrongType).path("field").asText()).isEqualTo("email");
        assertThat(violation(wrongType).path("description").asText()).isEqualTo("must be a string");

        var notAnObject = client.post("/api/v1/auth/login", "[\"a@b.c\"]", null);
        assertThat(message(notAnObject)).isEqualTo("request body must be a JSON object");
        var empty = client.send("POST", "/api/v1/auth/login", null, null, Map.of());
        assertError(empty, 400, "INVALID_ARGUMENT");
        assertThat(message(empty)).contains("request body is empty");
    }

    @Test
    void anOversizedBodyIsA400WithTheLimit() {
        String huge = "{\"email\":\"" + "x".repeat(70_000) + "\",\"password\":\"x\"}";
        var answer = client.post("/api/v1/auth/login", huge, null);
        assertError(answer, 400, "INVALID_ARGUMENT");
        assertThat(message(answer)).isEqualTo("request body is larger than the limit of 65536 bytes");
    }

    @Test
    void aBodyThatIsNotJsonIsRefused() {
        var answer = client.send(
                "POST", "/api/v1/auth/login", null, null, Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertError(answer, 400, "INVALID_ARGUMENT");
        assertThat(message(answer))
                .isEqualTo("Content-Type must be application/json, was application/x-www-form-urlencoded");
    }

    @Test
    void aBadIdIsA400BeforeAnyServiceIsCalled() {
        String token = fixture.signIn().accessToken();
        for (String path :
                new String[] {"/api/v1/users/not-a-uuid", "/api/v1/posts/1-2-3-4-5", "/api/v1/users/12345/followers"}) {
            var answer = client.get(path, token);
            assertError(answer, 400, "INVALID_ARGUMENT");
            assertThat(violation(answer).path("field").asText()).isEqualTo("id");
            assertThat(violation(answer).path("description").asText()).isEqualTo("must be a UUID");
        }
        var badLimit = client.get("/api/v1/users/" + UUID.randomUUID() + "/posts?limit=ten", token);
        assertError(badLimit, 400, "INVALID_ARGUMENT");
        assertThat(violation(badLimit).path("field").asText()).isEqualTo("limit");
    }

    @Test
    void protectedRoutesNeedAValidAccessToken() {
        var missing = client.get("/api/v1/users/me", null);
        assertError(missing, 401, "UNAUTHENTICATED");
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(errorInfo(missing).path("reason").asText()).isEqualTo("TOKEN_MISSING");

        var garbage = client.get("/api/v1/users/me", "not-a-jwt");
        assertError(garbage, 401, "UNAUTHENTICATED");
        assertThat(errorInfo(garbage).path("reason").asText()).isEqualTo("TOKEN_INVALID");

        String token = fixture.signIn().accessToken();
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertError(client.get("/api/v1/services", tampered), 401, "UNAUTHENTICATED");

        var basic = client.send("GET", "/api/v1/services", null, null, Map.of("Authorization", "Basic dXNlcjpwdw=="));
        assertError(basic, 401, "UNAUTHENTICATED");
        assertThat(client.get("/api/v1/services", token).status()).isEqualTo(200);
    }

    @Test
    void theRequestIdIsEchoedOrMadeAndAppearsInErrors() {
        var mine = client.send("GET", "/api/v1/users/me", null, null, Map.of("X-Request-Id", "my-request-17"));
        assertThat(mine.header("X-Request-Id")).isEqualTo("my-request-17");
        assertThat(mine.json().path("error").path("requestId").asText()).isEqualTo("my-request-17");

        var made = client.get("/health", null);
        assertThat(made.header("X-Request-Id")).matches("[0-9a-f-]{36}");
        var unsafe = client.send("GET", "/health", null, null, Map.of("X-Request-Id", "bad id with spaces"));
        assertThat(unsafe.header("X-Request-Id")).matches("[0-9a-f-]{36}");
    }

    @Test
    void theRequestIdReachesTheServiceAndComesBackInItsErrors() {
        String email = "nobody-" + UUID.randomUUID() + "@example.com";
        fixture.auth
                .stub()
                .stubs()
                .stub(AuthServiceGrpc.getLoginMethod())
                .whenField("email", email)
                .willFail(NovaException.builder(ErrorCode.UNAUTHENTICATED, "email or password is wrong")
                        .reason("INVALID_CREDENTIALS")
                        .domain("auth.nova.social")
                        .build());

        var answer = client.send(
                "POST",
                "/api/v1/auth/login",
                Map.of("email", email, "password", "wrong password"),
                null,
                Map.of("X-Request-Id", "trace-me-42"));

        assertError(answer, 401, "UNAUTHENTICATED");
        assertThat(errorInfo(answer).path("domain").asText()).isEqualTo("auth.nova.social");
        assertThat(answer.json().path("error").path("requestId").asText()).isEqualTo("trace-me-42");
        assertThat(fixture.auth.stub().stubs().calls(AuthServiceGrpc.getLoginMethod()))
                .filteredOn(call -> call.request().getEmail().equals(email))
                .singleElement()
                .satisfies(call -> assertThat(call.metadata())
                        .as("the id reached auth-service")
                        .containsEntry("x-request-id", "trace-me-42"));
    }

    @Test
    void anUnknownRouteIsAJson404() {
        var answer = client.get("/api/v1/nothing-here", null);
        assertError(answer, 404, "NOT_FOUND");
        assertThat(message(answer)).isEqualTo("no route for GET /api/v1/nothing-here");
    }

    @Test
    void aKnownPathWithAnotherMethodIsA405NamingTheMethodsItTakes() {
        var login = client.send("DELETE", "/api/v1/auth/login", null, null, Map.of());
        assertError(login, 405, "INVALID_ARGUMENT");
        assertThat(login.header("Allow")).isEqualTo("POST");
        assertThat(message(login)).isEqualTo("DELETE is not allowed on /api/v1/auth/login; it takes POST");
        assertThat(errorInfo(login).path("reason").asText()).isEqualTo("METHOD_NOT_ALLOWED");

        var post = client.send("PATCH", "/api/v1/posts/" + java.util.UUID.randomUUID(), null, null, Map.of());
        assertError(post, 405, "INVALID_ARGUMENT");
        assertThat(post.header("Allow")).isEqualTo("DELETE, GET");
        // /users/me is a route of its own and also a /users/{id}: it takes the methods of both.
        assertThat(client.send("DELETE", "/api/v1/users/me", null, null, Map.of())
                        .header("Allow"))
                .isEqualTo("GET, PATCH");
    }

    @Test
    void theOpenApiDocumentDescribesEveryRouteAndEveryRouteIsServed() {
        var document = client.get("/api/openapi.json", null);
        assertThat(document.status()).isEqualTo(200);
        assertThat(document.json().path("openapi").asText()).startsWith("3.");
        for (ApiRoutes.Route route : ApiRoutes.ALL) {
            assertThat(document.json()
                            .path("paths")
                            .path(route.path())
                            .has(route.method().toLowerCase(Locale.ROOT)))
                    .as("%s %s in the document", route.method(), route.path())
                    .isTrue();
            // Without a token, a protected route refuses with 401, which proves it exists: an
            // unknown one would be 404.
            var answer = client.send(
                    route.method(), route.pathWithId(UUID.randomUUID().toString()), null, null, Map.of());
            assertThat(answer.status())
                    .as("%s %s is served", route.method(), route.path())
                    .isEqualTo(route.isPublic() ? answer.status() : 401)
                    .isNotEqualTo(404);
        }
    }

    @Test
    void everyAnswerIsCountedByRouteAndStatus() {
        client.get("/api/v1/users/" + UUID.randomUUID(), null);
        client.get("/api/v1/nothing-here", null);
        var metrics = client.send("GET", "/observe/metrics", null, null, Map.of("Accept", "text/plain"));
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.raw().body())
                .containsPattern(
                        "nova_gateway_requests_seconds_count\\{[^}]*method=\"GET\"[^}]*route=\"/api/v1/users/\\{id}\"[^}]*status=\"401\"")
                .containsPattern("nova_gateway_requests_seconds_count\\{[^}]*route=\"unmatched\"[^}]*status=\"404\"");
    }

    private static void assertError(GatewayClient.Answer answer, int status, String code) {
        assertThat(answer.status()).as("status of %s", answer.json()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        JsonNode error = answer.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("requestId").asText())
                .isEqualTo(answer.header("X-Request-Id"))
                .isNotBlank();
        assertThat(error.path("details").isArray()).isTrue();
    }

    private static String message(GatewayClient.Answer answer) {
        return answer.json().path("error").path("message").asText();
    }

    private static JsonNode violation(GatewayClient.Answer answer) {
        return detail(answer, "fieldViolation");
    }

    private static JsonNode errorInfo(GatewayClient.Answer answer) {
        return detail(answer, "errorInfo");
    }

    private static JsonNode detail(GatewayClient.Answer answer, String type) {
        for (JsonNode detail : answer.json().path("error").path("details")) {
            if (detail.path("type").asText().equals(type)) {
                return detail;
            }
        }
        throw new AssertionError("no " + type + " detail in " + answer.json());
    }
}
