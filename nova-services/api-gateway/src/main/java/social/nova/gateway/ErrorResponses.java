package social.nova.gateway;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.discovery.DiscoveryException;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.HttpError;
import social.nova.errors.NovaException;

/**
 * The one place a failure becomes an HTTP answer: {@code {"error": {"code", "message",
 * "requestId", "details"}}} with the status of the code (nova-error-types' {@link HttpError}).
 * Errors of services arrive as gRPC statuses and keep their code, message and details; the
 * gateway's own are {@link NovaException}s; anything unexpected is a 500 that names only the
 * request id, with the cause in the log.
 *
 * <p>Field names in violations are turned from the services' proto names into the names the
 * HTTP API uses ({@code display_name} becomes {@code displayName}, {@code user_id}, {@code conversation_id} and
 * {@code stream_id} the path's {@code id}, {@code page.limit} the query's {@code limit}).
 */
final class ErrorResponses implements ErrorHandler<Throwable> {
    private static final System.Logger LOG = System.getLogger(ErrorResponses.class.getName());
    /** Proto field paths whose HTTP name is not simply their camelCase form. */
    private static final Map<String, String> HTTP_FIELD_NAMES = Map.ofEntries(
            Map.entry("user_id", "id"),
            Map.entry("post_id", "id"),
            Map.entry("author_id", "id"),
            Map.entry("conversation_id", "id"),
            Map.entry("media_id", "id"),
            Map.entry("stream_id", "id"),
            Map.entry("page.limit", "limit"),
            Map.entry("page.cursor", "cursor"),
            Map.entry("totp_code", "totp"),
            Map.entry("query", "q"),
            Map.entry("experiment_key", "key"),
            // An upload's metadata comes from its headers (MediaRoutes).
            Map.entry("metadata.content_type", "Content-Type"),
            Map.entry("metadata.size_bytes", "Content-Length"),
            Map.entry("metadata.file_name", "X-File-Name"),
            Map.entry("metadata.sha256", "X-Content-SHA256"),
            Map.entry("chunk", "body"),
            Map.entry("offset", "Range"));

    /**
     * What the public hears of a failure that is not the caller's. The original message can name an
     * internal service ("circuit breaker for auth-service is OPEN"), an address
     * ({@code remote_addr=...}) or a library ("Abrupt GOAWAY"); it goes to the gateway's log, on the
     * line that carries the request id. A message a service wrote on purpose for the public (its
     * error has a reason, e.g. auth-service's {@code OVERLOADED}) is kept.
     */
    private static final Map<ErrorCode, String> PUBLIC_MESSAGES = Map.of(
            ErrorCode.UNAVAILABLE, "the service is temporarily unavailable; retry later",
            ErrorCode.DEADLINE_EXCEEDED, "the service took too long to answer; retry later",
            ErrorCode.INTERNAL, "internal error",
            ErrorCode.UNIMPLEMENTED, "not implemented",
            ErrorCode.CANCELLED, "the request was cancelled");

    private final Json json;
    private final Duration retryAfterUnavailable;
    private final DocumentedRoutes routes;

    ErrorResponses(Json json, Duration retryAfterUnavailable, DocumentedRoutes routes) {
        this.json = json;
        this.retryAfterUnavailable = retryAfterUnavailable;
        this.routes = routes;
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response, Throwable failure) {
        RequestInfo info = RequestInfo.of(request);
        String requestId = info == null ? null : info.requestId();
        if (failure instanceof HttpException http && http.status().code() == Status.NOT_FOUND_404.code()) {
            // Helidon answers 404 for a known path with another method: name the methods it takes.
            String path = request.prologue().uriPath().path();
            String method = request.prologue().method().text();
            Set<String> allowed = routes.methodsOf(path);
            if (!allowed.isEmpty() && !allowed.contains(method)) {
                String methods = String.join(", ", allowed);
                response.header(HeaderNames.ALLOW, methods);
                send(
                        response,
                        Status.METHOD_NOT_ALLOWED_405,
                        forHttp(
                                NovaException.builder(
                                                ErrorCode.INVALID_ARGUMENT,
                                                method + " is not allowed on " + path + "; it takes " + methods)
                                        .reason("METHOD_NOT_ALLOWED")
                                        .domain(Authentication.DOMAIN)
                                        .build(),
                                requestId));
                return;
            }
        }
        NovaException error = forHttp(toNova(request, failure), requestId);
        log(request, error, failure);
        send(response, error);
    }

    /** Sends {@code error} as the response (also used where no exception is thrown). */
    void send(ServerResponse response, NovaException error) {
        send(response, null, error);
    }

    /**
     * Sends {@code error}, a downstream failure as it came, with a status of the route's choice
     * where HTTP has a more precise one than the error's code (413 for an upload over its limit, 409
     * for a thumbnail still being made), in the same shape, with the request id and HTTP field names.
     */
    void send(ServerResponse response, ServerRequest request, Status status, NovaException error) {
        RequestInfo info = RequestInfo.of(request);
        send(response, status, forHttp(error, info == null ? null : info.requestId()));
    }

    private void send(ServerResponse response, Status status, NovaException error) {
        HttpError http = HttpError.of(error);
        http.headers().forEach(response::header);
        if (error.code() == ErrorCode.UNAUTHENTICATED) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        json.send(response, status == null ? Status.create(http.status()) : status, http.body());
    }

    private static NovaException toNova(ServerRequest request, Throwable failure) {
        return switch (failure) {
            case HttpException http
            when http.status().code() == Status.NOT_FOUND_404.code() ->
                NovaException.builder(ErrorCode.NOT_FOUND, "no route for " + describe(request))
                        .build();
            case HttpException http -> fromHttpStatus(http);
            case DiscoveryException discovery ->
                NovaException.builder(ErrorCode.UNAVAILABLE, "service discovery does not answer")
                        .cause(discovery)
                        .build();
            case UncheckedIOException io ->
                NovaException.builder(ErrorCode.INVALID_ARGUMENT, "the request body could not be read")
                        .cause(io)
                        .build();
            // The connection ended before the body's Content-Length: the client left mid-upload
            // (its mistake or its choice, not a bug here; the upload stored nothing).
            case io.helidon.common.buffers.DataReader.InsufficientDataAvailableException ended ->
                NovaException.builder(
                                ErrorCode.INVALID_ARGUMENT,
                                "invalid argument: Content-Length the connection ended before the body's declared"
                                        + " length; nothing was stored")
                        .violation(
                                "Content-Length",
                                "the connection ended before the body's declared length; nothing was stored")
                        .cause(ended)
                        .build();
            default -> NovaException.from(failure);
        };
    }

    /** Helidon's own refusals (bad request line, header too large...) in Nova's shape. */
    private static NovaException fromHttpStatus(HttpException http) {
        int status = http.status().code();
        ErrorCode code = status == 401
                ? ErrorCode.UNAUTHENTICATED
                : status == 403
                        ? ErrorCode.PERMISSION_DENIED
                        : status == 503
                                ? ErrorCode.UNAVAILABLE
                                : status >= 400 && status < 500 ? ErrorCode.INVALID_ARGUMENT : ErrorCode.INTERNAL;
        String message =
                code == ErrorCode.INTERNAL ? "internal error" : http.status().reasonPhrase();
        return NovaException.builder(code, message).cause(http).build();
    }

    /** The error with the request id, HTTP field names and, for 503, a Retry-After. */
    private NovaException forHttp(NovaException error, String requestId) {
        List<FieldViolation> violations = error.violations().stream()
                .map(v -> FieldViolation.of(httpFieldName(v.field()), v.description()))
                .toList();
        NovaException.Builder copy = NovaException.builder(error.code(), publicMessage(error))
                .violations(violations)
                .cause(error.getCause() == null ? error : error.getCause());
        error.reason().ifPresent(copy::reason);
        error.domain().ifPresent(copy::domain);
        error.metadata().forEach(copy::metadata);
        copy.retryAfter(
                error.retryAfter().orElse(error.code() == ErrorCode.UNAVAILABLE ? retryAfterUnavailable : null));
        copy.requestId(error.requestId().orElse(requestId));
        return copy.build();
    }

    /** The message the public sees: a service's own words, unless they may name internals (see {@link #PUBLIC_MESSAGES}). */
    static String publicMessage(NovaException error) {
        String generic = PUBLIC_MESSAGES.get(error.code());
        return generic == null || error.reason().isPresent() ? error.getMessage() : generic;
    }

    static String httpFieldName(String protoField) {
        String mapped = HTTP_FIELD_NAMES.get(protoField);
        if (mapped != null) {
            return mapped;
        }
        StringBuilder camel = new StringBuilder(protoField.length());
        boolean upper = false;
        for (char c : protoField.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                camel.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }

    /**
     * Bugs are logged with their stack trace. Failures of services (503, 504) are logged at INFO
     * with the internal detail the public message leaves out (which service, which breaker, which
     * address); the request metrics, the client metrics of nova-rpc and {@code /health} count them.
     */
    private static void log(ServerRequest request, NovaException error, Throwable failure) {
        String detail = failure instanceof NovaException nova
                ? nova.getMessage()
                : failure instanceof io.grpc.StatusRuntimeException grpc
                        ? String.valueOf(grpc.getStatus())
                        : String.valueOf(failure);
        if (error.code() == ErrorCode.INTERNAL) {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "request " + error.requestId().orElse("?") + " " + describe(request) + " failed: " + detail,
                    failure);
        } else if (PUBLIC_MESSAGES.containsKey(error.code())) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "request {0} {1}: {2} ({3})",
                    error.requestId().orElse("?"),
                    describe(request),
                    error.code(),
                    detail);
        } else if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "request {0} {1}: {2} {3}",
                    error.requestId().orElse("?"),
                    describe(request),
                    error.code(),
                    error.getMessage());
        }
    }

    /** Method and full path (error handlers see the path relative to the service that matched). */
    private static String describe(ServerRequest request) {
        return request.prologue().method().text() + " "
                + request.prologue().uriPath().path();
    }
}
