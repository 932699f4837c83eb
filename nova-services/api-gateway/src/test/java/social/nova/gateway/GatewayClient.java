package social.nova.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** An HTTP client of the gateway, as an app would use it: JSON in, JSON out. */
final class GatewayClient {
    static final String PASSWORD = "correct horse battery";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;

    GatewayClient(URI base) {
        this.base = base;
    }

    /** One answer: status, headers and the body (parsed when JSON). */
    record Answer(int status, HttpResponse<String> raw, JsonNode json) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        /** {@code error.code} of an error body. */
        String errorCode() {
            return json.path("error").path("code").asText();
        }
    }

    Answer get(String path, String token) {
        return send("GET", path, null, token, Map.of());
    }

    Answer post(String path, Object body, String token) {
        return send("POST", path, body, token, Map.of());
    }

    /** Sends {@code body} (a JSON-able object, or a String sent as it is) with the given extra headers. */
    Answer send(String method, String path, Object body, String token, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body instanceof String text ? text : write(body)));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode json = type.contains("json") && !response.body().isEmpty()
                    ? JSON.readTree(response.body()) : JSON.missingNode();
            return new Answer(response.statusCode(), response, json);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A new account: its user id, email and tokens after logging in. */
    record Account(String userId, String email, String username, String accessToken, String refreshToken) {
    }

    Account registerAndLogin() {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        String username = "u_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Answer registered = post("/api/v1/auth/register", Map.of("email", email, "password", PASSWORD,
                "username", username, "displayName", "Test User"), null);
        if (registered.status() != 201) {
            throw new IllegalStateException("register answered " + registered.status() + " " + registered.json());
        }
        Answer login = post("/api/v1/auth/login", Map.of("email", email, "password", PASSWORD), null);
        if (login.status() != 200) {
            throw new IllegalStateException("login answered " + login.status() + " " + login.json());
        }
        return new Account(registered.json().path("userId").asText(), email, username,
                login.json().path("accessToken").asText(), login.json().path("refreshToken").asText());
    }

    /** The element of a JSON array of objects whose "name" is {@code name}. */
    static JsonNode byName(JsonNode array, String name) {
        for (JsonNode element : array) {
            if (element.path("name").asText().equals(name)) {
                return element;
            }
        }
        throw new AssertionError("no " + name + " in " + array);
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
