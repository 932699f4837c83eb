package social.nova.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's REST API as the harness's tests use it (nova-services/api-gateway/README.md): plain
 * HTTP/JSON from this machine to the stack's edge, as an app would call it.
 */
final class GatewayApi {
    static final ObjectMapper JSON = new ObjectMapper();
    /** How long a new account's profile may take to arrive (outbox, Redis stream, consumer). */
    static final Duration PROFILE_TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http;
    private final URI uri;
    private final Duration timeout;

    GatewayApi(HttpClient http, URI uri, Duration timeout) {
        this.http = http;
        this.uri = uri;
        this.timeout = timeout;
    }

    static GatewayApi of(NovaStack stack, Duration timeout) {
        return new GatewayApi(
                HttpClient.newHttpClient(),
                stack.gatewayUri()
                        .orElseThrow(() -> new IllegalStateException(
                                "api-gateway is not built: ./mvnw install -DskipTests -pl nova-services/api-gateway")),
                timeout);
    }

    /**
     * One answer.
     *
     * @param body   the JSON body, or a missing node when there is none
     * @param millis from sending to the whole answer read
     */
    record Answer(int status, JsonNode body, HttpHeaders headers, double millis) {
        /** The {@code error} object of an error answer. */
        JsonNode error() {
            return body.path("error");
        }

        String errorCode() {
            return error().path("code").asText(null);
        }

        /** The ErrorInfo reason among the error's details, if any. */
        String reason() {
            for (JsonNode detail : error().path("details")) {
                if ("errorInfo".equals(detail.path("type").asText())) {
                    return detail.path("reason").asText(null);
                }
            }
            return null;
        }

        /** The fields named by the error's field violations. */
        java.util.List<String> violatedFields() {
            java.util.List<String> fields = new java.util.ArrayList<>();
            for (JsonNode detail : error().path("details")) {
                if ("fieldViolation".equals(detail.path("type").asText())) {
                    fields.add(detail.path("field").asText());
                }
            }
            return fields;
        }

        /**
         * Asserts the error shape every gateway error has, with the status of its code, and the
         * ErrorInfo reason when {@code reason} is not null.
         */
        Answer assertError(int expectedStatus, String code, String expectedReason) {
            assertThat(status).as("status of %s", this).isEqualTo(expectedStatus);
            assertThat(errorCode()).as("code of %s", this).isEqualTo(code);
            assertThat(error().path("message").asText())
                    .as("message of %s", this)
                    .isNotBlank();
            assertThat(error().path("requestId").asText())
                    .as("requestId of %s", this)
                    .isNotBlank();
            if (expectedReason != null) {
                assertThat(reason()).as("reason of %s", this).isEqualTo(expectedReason);
            }
            return this;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** An account made through the gateway; the refresh token rotates on every refresh. */
    record Account(
            String userId,
            String email,
            String password,
            String username,
            String accessToken,
            AtomicReference<String> refreshToken) {}

    /** Sends one request; {@code body} is a JSON string as is, or any object written as JSON. */
    Answer call(String method, String path, String token, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri.resolve(path))
                .timeout(timeout)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(
                                        body instanceof String text ? text : JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        double millis = (System.nanoTime() - started) / 1e6;
        JsonNode json = response.body() == null || response.body().isBlank()
                ? MissingNode.getInstance()
                : JSON.readTree(response.body());
        return new Answer(response.statusCode(), json, response.headers(), millis);
    }

    Answer get(String path, String token) throws IOException, InterruptedException {
        return call("GET", path, token, null);
    }

    /** Sends one request and asserts its status. */
    JsonNode expect(int status, String method, String path, String token, Object body)
            throws IOException, InterruptedException {
        Answer answer = call(method, path, token, body);
        assertThat(answer.status())
                .as("%s %s answered %s", method, path, answer)
                .isEqualTo(status);
        return answer.body();
    }

    /** Registers and logs in a new account (its profile may not exist yet). */
    Account register(String prefix) throws IOException, InterruptedException {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String email = name + "@example.com";
        String password = "correct horse battery " + name;
        JsonNode registered = expect(
                201,
                "POST",
                "/api/v1/auth/register",
                null,
                Map.of("email", email, "password", password, "username", name, "displayName", "Display " + name));
        JsonNode tokens = expect(200, "POST", "/api/v1/auth/login", null, Map.of("email", email, "password", password));
        return new Account(
                registered.get("userId").asText(),
                email,
                password,
                name,
                tokens.get("accessToken").asText(),
                new AtomicReference<>(tokens.get("refreshToken").asText()));
    }

    /** {@link #register} and wait until the profile that follows from the UserRegistered event is there. */
    Account signUp(String prefix) throws IOException, InterruptedException {
        Account account = register(prefix);
        await("profile of " + account.username())
                .atMost(PROFILE_TIMEOUT)
                .until(() -> get("/api/v1/users/me", account.accessToken()).status() == 200);
        return account;
    }

    /** Creates a post and returns its id. */
    String post(Account author, String text) throws IOException, InterruptedException {
        return expect(201, "POST", "/api/v1/posts", author.accessToken(), Map.of("text", text))
                .get("id")
                .asText();
    }

    /** Uploads a raw body to {@code /api/v1/media} and returns the created item's id. */
    String upload(Account owner, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri.resolve("/api/v1/media"))
                        .timeout(timeout)
                        .header("Content-Type", contentType)
                        .header("Authorization", "Bearer " + owner.accessToken())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("upload of %s: %s", contentType, response.body())
                .isEqualTo(201);
        return JSON.readTree(response.body()).get("id").asText();
    }

    /** The media item's metadata once processed (READY); fails as soon as it is FAILED. */
    JsonNode awaitReady(Account owner, String mediaId) {
        return await("media " + mediaId + " processed")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            JsonNode media = get("/api/v1/media/" + mediaId, owner.accessToken())
                                    .body();
                            assertThat(media.path("status").asText())
                                    .as(media.toString())
                                    .isNotEqualTo("FAILED");
                            return media;
                        },
                        media -> media.path("status").asText().equals("READY"));
    }

    URI uri() {
        return uri;
    }
}
