package social.nova.gateway;

import io.helidon.webserver.http.ServerRequest;

/**
 * What the edge filter learned about a request, kept in Helidon's request context so that error
 * handlers (which run outside the request's gRPC Context) still see it.
 *
 * @param requestId     the request id (see {@link RequestIds})
 * @param clientAddress the client's address (see {@link ClientAddresses})
 */
record RequestInfo(String requestId, String clientAddress) {

    /** The info of a request that passed the edge filter; null for one that did not. */
    static RequestInfo of(ServerRequest request) {
        return request.context().get(RequestInfo.class).orElse(null);
    }
}
