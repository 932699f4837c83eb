package social.nova.gateway;

import java.util.List;

/** Every route of the HTTP API as its brief lists it: what the OpenAPI document and the server must both have. */
final class ApiRoutes {
    record Route(String method, String path, boolean isPublic) {
        /**
         * The path with a real id in place of {@code {id}} (an experiment key in place of {@code
         * {key}}, a provider's name in place of {@code {provider}}, a device token in place of
         * {@code {token}}).
         */
        String pathWithId(String id) {
            return path.replace("{id}", id)
                    .replace("{key}", "feed-ranking")
                    .replace("{provider}", "keycloak")
                    .replace("{token}", "fcm-token:APA91b" + id);
        }
    }

    static final List<Route> ALL = List.of(
            new Route("POST", "/api/v1/auth/register", true),
            new Route("POST", "/api/v1/auth/login", true),
            new Route("POST", "/api/v1/auth/refresh", true),
            new Route("POST", "/api/v1/auth/logout", false),
            new Route("POST", "/api/v1/auth/verify-email", true),
            new Route("POST", "/api/v1/auth/verify-email/resend", false),
            new Route("POST", "/api/v1/auth/password-reset", true),
            new Route("POST", "/api/v1/auth/password-reset/confirm", true),
            new Route("GET", "/api/v1/auth/oidc/{provider}/start", true),
            new Route("GET", "/api/v1/auth/oidc/{provider}/callback", true),
            new Route("GET", "/api/v1/users/me", false),
            new Route("PATCH", "/api/v1/users/me", false),
            new Route("GET", "/api/v1/users/{id}", false),
            new Route("PUT", "/api/v1/users/{id}/follow", false),
            new Route("DELETE", "/api/v1/users/{id}/follow", false),
            new Route("PUT", "/api/v1/users/{id}/block", false),
            new Route("DELETE", "/api/v1/users/{id}/block", false),
            new Route("GET", "/api/v1/users/{id}/followers", false),
            new Route("GET", "/api/v1/users/{id}/following", false),
            new Route("POST", "/api/v1/posts", false),
            new Route("GET", "/api/v1/posts/{id}", false),
            new Route("DELETE", "/api/v1/posts/{id}", false),
            new Route("GET", "/api/v1/users/{id}/posts", false),
            new Route("PUT", "/api/v1/posts/{id}/like", false),
            new Route("DELETE", "/api/v1/posts/{id}/like", false),
            new Route("GET", "/api/v1/feed", false),
            new Route("GET", "/api/v1/feed/trending", false),
            new Route("GET", "/api/v1/search/users", false),
            new Route("GET", "/api/v1/search/posts", false),
            new Route("GET", "/api/v1/experiments/{key}/assignment", false),
            new Route("POST", "/api/v1/conversations", false),
            new Route("GET", "/api/v1/conversations", false),
            new Route("GET", "/api/v1/conversations/unread", false),
            new Route("POST", "/api/v1/conversations/{id}/messages", false),
            new Route("GET", "/api/v1/conversations/{id}/messages", false),
            new Route("POST", "/api/v1/conversations/{id}/read", false),
            new Route("PUT", "/api/v1/conversations/{id}/mute", false),
            new Route("PUT", "/api/v1/devices/{token}", false),
            new Route("GET", "/api/v1/realtime", false),
            new Route("GET", "/api/v1/services", false),
            new Route("GET", "/health", true),
            new Route("GET", "/api/openapi.json", true),
            new Route("POST", "/api/v1/media", false),
            new Route("GET", "/api/v1/media/{id}", false),
            new Route("GET", "/api/v1/media/{id}/content", false),
            new Route("GET", "/api/v1/media/{id}/thumbnail", false),
            new Route("POST", "/api/v1/streams", false),
            new Route("GET", "/api/v1/streams/live", false),
            new Route("GET", "/api/v1/streams/{id}", false),
            new Route("POST", "/api/v1/streams/{id}/join", false),
            new Route("POST", "/api/v1/streams/{id}/leave", false),
            new Route("POST", "/api/v1/streams/{id}/end", false),
            new Route("GET", "/api/v1/streams/{id}/events", false));

    private ApiRoutes() {}
}
