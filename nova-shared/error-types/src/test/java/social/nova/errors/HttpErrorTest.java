package social.nova.errors;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpErrorTest {

    @Test
    void rendersEveryDetailInTheDocumentedShape() {
        NovaException error = NovaException.builder(ErrorCode.INVALID_ARGUMENT, "invalid argument")
                .violation("email", "must be an email address")
                .reason("SIGNUP_INVALID")
                .domain("auth.nova.social")
                .metadata("step", "signup")
                .retryAfter(Duration.ofMillis(1200))
                .requestId("req-9")
                .build();

        HttpError http = HttpError.of(error);

        assertThat(http.status()).isEqualTo(400);
        assertThat(http.headers()).containsEntry("Retry-After", "2");
        assertThat(http.body())
                .isEqualTo(Map.of(
                        "error",
                        Map.of(
                                "code", "INVALID_ARGUMENT",
                                "message", "invalid argument",
                                "requestId", "req-9",
                                "details",
                                        List.of(
                                                Map.of(
                                                        "type",
                                                        "fieldViolation",
                                                        "field",
                                                        "email",
                                                        "description",
                                                        "must be an email address"),
                                                Map.of(
                                                        "type",
                                                        "errorInfo",
                                                        "reason",
                                                        "SIGNUP_INVALID",
                                                        "domain",
                                                        "auth.nova.social",
                                                        "metadata",
                                                        Map.of("step", "signup")),
                                                Map.of("type", "retryInfo", "retryAfterSeconds", 2L)))));
    }

    @Test
    void keysComeInAStableOrder() {
        HttpError http = HttpError.of(NovaException.notFound("user", "42").withRequestId("r"));

        assertThat(error(http).keySet()).containsExactly("code", "message", "requestId", "details");
    }

    @Test
    void aPlainErrorHasEmptyDetailsNoRequestIdAndNoHeaders() {
        HttpError http = HttpError.of(NovaException.notFound("user", "42"));

        assertThat(http.status()).isEqualTo(404);
        assertThat(http.headers()).isEmpty();
        assertThat(error(http))
                .isEqualTo(Map.of("code", "NOT_FOUND", "message", "user '42' not found", "details", List.of()));
    }

    @Test
    void rateLimitIs429WithRetryAfter() {
        HttpError http = HttpError.of(NovaException.rateLimited(Duration.ofSeconds(30)));

        assertThat(http.status()).isEqualTo(429);
        assertThat(http.headers()).containsEntry(HttpError.RETRY_AFTER, "30");
    }

    @Test
    void aBackendFailureIsRenderedFromWhatTheClientReceived() {
        HttpError http =
                HttpError.from(NovaException.alreadyExists("handle", "ada").toStatusException());

        assertThat(http.status()).isEqualTo(409);
        assertThat(error(http))
                .containsEntry("code", "ALREADY_EXISTS")
                .containsEntry("message", "handle 'ada' already exists");
    }

    @Test
    void aTransportFailureGetsTheGatewaysRequestId() {
        HttpError http = HttpError.from(
                Status.UNAVAILABLE.withDescription("io exception").asRuntimeException(), "gw-1");

        assertThat(http.status()).isEqualTo(503);
        assertThat(error(http)).containsEntry("requestId", "gw-1");
    }

    @Test
    void anUnknownFailureIs500WithoutItsText() {
        HttpError http = HttpError.from(new IllegalStateException("password=hunter2"), "gw-2");

        assertThat(http.status()).isEqualTo(500);
        assertThat(http.body().toString()).doesNotContain("hunter2");
    }

    @Test
    void theBodyCannotBeChanged() {
        HttpError http = HttpError.of(NovaException.notFound("user", "42"));

        assertThatThrownBy(() -> http.body().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> error(http).put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(HttpError http) {
        return (Map<String, Object>) http.body().get("error");
    }
}
