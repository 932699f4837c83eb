package social.nova.gateway;

import java.util.Locale;

import io.grpc.Context;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.clients.auth.AuthClient;
import social.nova.clients.auth.VerifiedToken;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.kit.Caller;
import social.nova.rpc.CallContext;

/**
 * Guards routes that need a signed-in user: {@code Authorization: Bearer <accessToken>} is verified
 * locally with auth-service's published keys (nova-auth-client), so no call is spent on it. The
 * handler then runs in a gRPC Context carrying the header and the caller's id, which nova-rpc
 * forwards to every service it calls; each service verifies the token again itself.
 */
final class Authentication {
    static final String DOMAIN = "gateway.nova.social";
    private static final String BEARER = "bearer ";

    /** A route handler that runs only for a verified caller. */
    @FunctionalInterface
    interface AuthenticatedHandler {
        void handle(ServerRequest request, ServerResponse response, Caller caller) throws Exception;
    }

    /** A route handler that runs only for a verified caller and needs the token itself (its expiry). */
    @FunctionalInterface
    interface TokenHandler {
        void handle(ServerRequest request, ServerResponse response, VerifiedToken token) throws Exception;
    }

    private final AuthClient auth;

    Authentication(AuthClient auth) {
        this.auth = auth;
    }

    /** {@code handler}, refused with 401 unless the request carries a valid access token. */
    Handler required(AuthenticatedHandler handler) {
        return requiredToken((request, response, token) ->
                handler.handle(request, response, new Caller(token.userId(), token.sessionId())));
    }

    /** As {@link #required}, for an answer that can outlive the token (an event stream ends at its expiry). */
    Handler requiredToken(TokenHandler handler) {
        return (request, response) -> {
            String authorization =
                    request.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
            VerifiedToken token = verifyToken(authorization);
            Context.current()
                    .withValue(CallContext.AUTHORIZATION, authorization)
                    .withValue(CallContext.CALLER_ID, token.userId())
                    .call(() -> {
                        handler.handle(request, response, token);
                        return null;
                    });
        };
    }

    /** The credentials of a WebSocket upgrade: the {@code Authorization} header, else a {@code bearer.<token>} subprotocol. */
    record UpgradeCredentials(String authorization, String subprotocol) {}

    /** The subprotocol prefix browsers carry the token in ({@code Sec-WebSocket-Protocol: bearer.<token>}). */
    static final String BEARER_SUBPROTOCOL = "bearer.";

    static final HeaderName WEBSOCKET_PROTOCOL = HeaderNames.create("Sec-WebSocket-Protocol");

    /** Reads the credentials of an upgrade request; the header wins over the subprotocol. */
    static UpgradeCredentials upgradeCredentials(Headers headers) {
        String authorization = headers.first(HeaderNames.AUTHORIZATION).orElse(null);
        String subprotocol = null;
        if (headers.contains(WEBSOCKET_PROTOCOL)) {
            for (String value : headers.get(WEBSOCKET_PROTOCOL).allValues()) {
                for (String offered : value.split(",")) {
                    String candidate = offered.trim();
                    if (subprotocol == null && candidate.startsWith(BEARER_SUBPROTOCOL)) {
                        subprotocol = candidate;
                    }
                }
            }
        }
        if ((authorization == null || authorization.isBlank()) && subprotocol != null) {
            authorization = "Bearer " + subprotocol.substring(BEARER_SUBPROTOCOL.length());
        }
        return new UpgradeCredentials(authorization, subprotocol);
    }

    /**
     * Verifies {@code Authorization: Bearer <token>} locally.
     *
     * @throws NovaException UNAUTHENTICATED when it is missing, malformed or not valid
     */
    VerifiedToken verifyToken(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw refused("TOKEN_MISSING", "this route needs an access token: Authorization: Bearer <accessToken>");
        }
        if (!authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)
                || authorization.substring(BEARER.length()).isBlank()) {
            throw refused("TOKEN_INVALID", "the Authorization header must be 'Bearer <accessToken>'");
        }
        return auth.verify(authorization.substring(BEARER.length()).trim());
    }

    private static NovaException refused(String reason, String message) {
        return NovaException.builder(ErrorCode.UNAUTHENTICATED, message)
                .reason(reason)
                .domain(DOMAIN)
                .build();
    }
}
