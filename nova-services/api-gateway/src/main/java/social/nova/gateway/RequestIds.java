package social.nova.gateway;

import java.util.UUID;
import java.util.regex.Pattern;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * The id that follows a request through every hop: the client's {@code X-Request-Id} when it is a
 * sensible token, else a new UUID. It travels to services as gRPC metadata {@code x-request-id}
 * (nova-rpc), comes back in the response header and in every error body.
 */
final class RequestIds {
    static final HeaderName HEADER = HeaderNames.create("X-Request-Id");
    /** Printable, header- and log-safe, and short: anything else is replaced, not echoed. */
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private RequestIds() {}

    static String of(ServerRequest request) {
        return accept(request.headers().first(HEADER).orElse(null));
    }

    /** The client's id when acceptable, else a new one. */
    static String accept(String fromClient) {
        String trimmed = fromClient == null ? "" : fromClient.trim();
        return ACCEPTED.matcher(trimmed).matches() ? trimmed : UUID.randomUUID().toString();
    }
}
