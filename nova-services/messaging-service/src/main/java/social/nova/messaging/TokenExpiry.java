package social.nova.messaging;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import social.nova.errors.NovaException;

/**
 * Puts the expiry of the call's access token in the gRPC {@link Context}: a stream outlives the
 * moment the kit verified the token, and must end (UNAUTHENTICATED) when the token expires. The
 * kit's {@code Caller} carries no expiry, so this reads it again from the verifier, whose cache
 * answers a token it just verified without checking the signature twice.
 */
final class TokenExpiry implements ServerInterceptor {
    private static final Context.Key<Instant> EXPIRES_AT = Context.key("messaging-token-expires-at");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    private final Function<String, Instant> expiry;

    /** @param expiry the expiry of a verified access token (the kit refused the call if it does not verify) */
    TokenExpiry(Function<String, Instant> expiry) {
        this.expiry = expiry;
    }

    /** When the current call's access token expires; empty for a call without one. */
    static Optional<Instant> current() {
        return Optional.ofNullable(EXPIRES_AT.get());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return next.startCall(call, headers);
        }
        try {
            Instant expiresAt =
                    expiry.apply(authorization.substring(BEARER.length()).trim());
            return Contexts.interceptCall(Context.current().withValue(EXPIRES_AT, expiresAt), call, headers, next);
        } catch (NovaException refused) {
            // The kit's authentication already answered such a call; nothing to add.
            return next.startCall(call, headers);
        }
    }
}
