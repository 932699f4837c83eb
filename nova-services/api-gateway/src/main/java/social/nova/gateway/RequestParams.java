package social.nova.gateway;

import java.util.Optional;
import java.util.UUID;

import io.helidon.webserver.http.ServerRequest;
import social.nova.contracts.common.v1.PageRequest;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

/**
 * Path and query parameters, checked at the edge so that a bad one is a 400 naming it, never a
 * call to a service. Ranges (page sizes, cursors) stay the services' to judge.
 */
final class RequestParams {
    static final String ID = "id";
    static final String LIMIT = "limit";
    static final String CURSOR = "cursor";

    private RequestParams() {}

    /** The path parameter {@code name}, which must be a UUID; returned in canonical form. */
    static String uuid(ServerRequest request, String name) {
        String value = request.path().pathParameters().get(name);
        return canonicalUuid(value)
                .orElseThrow(() -> NovaException.invalidArgument(
                        "path parameter '" + name + "' must be a UUID, was '" + printable(value) + "'",
                        FieldViolation.of(name, "must be a UUID")));
    }

    private static Optional<String> canonicalUuid(String value) {
        try {
            UUID parsed = UUID.fromString(value);
            // UUID.fromString accepts short groups ("1-2-3-4-5"); only the 36-character form is an id.
            return value.length() == 36 ? Optional.of(parsed.toString()) : Optional.empty();
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    /** The query parameter {@code name}, if present and not empty, which must then be a UUID; canonical form. */
    static Optional<String> optionalUuidQuery(ServerRequest request, String name) {
        return query(request, name)
                .map(value -> canonicalUuid(value)
                        .orElseThrow(() -> NovaException.invalidArgument(
                                "query parameter '" + name + "' must be a UUID, was '" + printable(value) + "'",
                                FieldViolation.of(name, "must be a UUID"))));
    }

    /** {@code ?limit=&cursor=} as a page request ({@code limit} absent means the service's default). */
    static PageRequest page(ServerRequest request) {
        PageRequest.Builder page = PageRequest.newBuilder();
        query(request, LIMIT).ifPresent(limit -> {
            try {
                page.setLimit(Integer.parseInt(limit));
            } catch (NumberFormatException e) {
                throw NovaException.invalidArgument(
                        "query parameter 'limit' must be an integer, was '" + printable(limit) + "'",
                        FieldViolation.of(LIMIT, "must be an integer"));
            }
        });
        query(request, CURSOR).ifPresent(page::setCursor);
        return page.build();
    }

    /** The query parameter {@code name}, which must be present and not empty. */
    static String requiredQuery(ServerRequest request, String name) {
        return query(request, name)
                .orElseThrow(() -> NovaException.invalidArgument(
                        "query parameter '" + name + "' is required", FieldViolation.of(name, "is required")));
    }

    /** The query parameter {@code name}, or an empty string when absent. */
    static String queryOrEmpty(ServerRequest request, String name) {
        return query(request, name).orElse("");
    }

    private static Optional<String> query(ServerRequest request, String name) {
        return request.query().first(name).asOptional().filter(value -> !value.isEmpty());
    }

    /** Echoes at most a short, printable prefix of what the client sent. */
    private static String printable(String value) {
        String shortened = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shortened.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
