package social.nova.errors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the API gateway answers for a failed call: the HTTP status, headers and a JSON-ready body
 * made of plain maps and lists (the gateway picks the JSON library):
 * <pre>{@code
 * {"error": {"code": "INVALID_ARGUMENT", "message": "...", "requestId": "...",
 *            "details": [{"type": "fieldViolation", "field": "email", "description": "..."},
 *                        {"type": "errorInfo", "reason": "...", "domain": "...", "metadata": {...}},
 *                        {"type": "retryInfo", "retryAfterSeconds": 30}]}}
 * }</pre>
 * {@code requestId} is left out when unknown; {@code details} is always present, maybe empty.
 *
 * @param status  the HTTP status code
 * @param headers response headers to add ({@code Retry-After} when the error has a retry delay)
 * @param body    the response body, ready to serialise; unmodifiable, in a stable key order
 */
public record HttpError(int status, Map<String, String> headers, Map<String, Object> body) {
    /** The Retry-After header, set when the error carries a retry delay. */
    public static final String RETRY_AFTER = "Retry-After";

    public HttpError {
        headers = Map.copyOf(headers);
        body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
    }

    /** The HTTP rendering of a Nova error. */
    public static HttpError of(NovaException error) {
        Objects.requireNonNull(error, "error");
        List<Map<String, Object>> details = new ArrayList<>();
        for (FieldViolation violation : error.violations()) {
            details.add(frozen(orderedMap(
                    "type", "fieldViolation", "field", violation.field(), "description", violation.description())));
        }
        if (error.reason().isPresent()
                || error.domain().isPresent()
                || !error.metadata().isEmpty()) {
            Map<String, Object> info = orderedMap("type", "errorInfo");
            error.reason().ifPresent(reason -> info.put("reason", reason));
            error.domain().ifPresent(domain -> info.put("domain", domain));
            if (!error.metadata().isEmpty()) {
                info.put("metadata", frozen(new LinkedHashMap<>(error.metadata())));
            }
            details.add(frozen(info));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        error.retryAfter().ifPresent(delay -> {
            long seconds = NovaException.ceilSeconds(delay);
            details.add(frozen(orderedMap("type", "retryInfo", "retryAfterSeconds", seconds)));
            headers.put(RETRY_AFTER, Long.toString(seconds));
        });

        Map<String, Object> content = orderedMap("code", error.code().name(), "message", error.getMessage());
        error.requestId().ifPresent(id -> content.put("requestId", id));
        content.put("details", List.copyOf(details));
        return new HttpError(error.code().httpStatus(), headers, Map.of("error", frozen(content)));
    }

    /** The HTTP rendering of what a backend call threw, via {@link NovaException#from(Throwable)}. */
    public static HttpError from(Throwable failure) {
        return of(NovaException.from(failure));
    }

    /**
     * Like {@link #from(Throwable)}, filling in the gateway's request id when the backend did not
     * send one (e.g. for a transport failure).
     */
    public static HttpError from(Throwable failure, String requestId) {
        NovaException error = NovaException.from(failure);
        return of(error.requestId().isPresent() ? error : error.withRequestId(requestId));
    }

    private static <V> Map<String, V> frozen(Map<String, V> map) {
        return Collections.unmodifiableMap(map);
    }

    private static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
