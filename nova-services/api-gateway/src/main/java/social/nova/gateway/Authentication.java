package social.nova.gateway;

import java.util.Locale;

import io.grpc.Context;
import io.helidon.http.HeaderNames;
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

    private final AuthClient auth;

    Authentication(AuthClient auth) {
        this.auth = auth;
    }

    /** {@code handler}, refused with 401 unless the request carries a valid access token. */
    Handler required(AuthenticatedHandler handler) {
        return (request, response) -> {
            String authorization =
                    request.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
            Caller caller = verify(authorization);
            Context.current()
                    .withValue(CallContext.AUTHORIZATION, authorization)
                    .withValue(CallContext.CALLER_ID, caller.userId())
                    .call(() -> {
                        handler.handle(request, response, caller);
                        return null;
                    });
        };
    }

    private Caller verify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw refused("TOKEN_MISSING", "this route needs an access token: Authorization: Bearer <accessToken>");
        }
        if (!authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)
                || authorization.substring(BEARER.length()).isBlank()) {
            throw refused("TOKEN_INVALID", "the Authorization header must be 'Bearer <accessToken>'");
        }
        VerifiedToken token =
                auth.verify(authorization.substring(BEARER.length()).trim());
        return new Caller(token.userId(), token.sessionId());
    }

    private static NovaException refused(String reason, String message) {
        return NovaException.builder(ErrorCode.UNAUTHENTICATED, message)
                .reason(reason)
                .domain(DOMAIN)
                .build();
    }
}
