package social.nova.kit;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import social.nova.errors.NovaException;

/**
 * Establishes who is calling: verifies {@code authorization: Bearer <token>} and records the
 * client's address, both available to handlers through {@link Callers}. A call without the
 * header proceeds anonymously (handlers that need a caller use {@link Callers#require()}); a
 * call whose header does not verify is refused with UNAUTHENTICATED before any handler runs.
 *
 * <p>The client address is the one the API gateway forwarded, when the gateway signed it (see
 * {@link ForwardedFor}: anybody else's {@code x-forwarded-for} is ignored), else the transport's
 * remote address.
 */
final class CallerInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    private final CallAuthenticator authenticator;
    private final ForwardedFor forwardedFor;

    CallerInterceptor(CallAuthenticator authenticator, ForwardedFor forwardedFor) {
        this.authenticator = authenticator;
        this.forwardedFor = forwardedFor;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context context = Context.current().withValue(Callers.CLIENT_ADDRESS, clientAddress(call, headers));
        String authorization = headers.get(AUTHORIZATION);
        try {
            Caller caller = authorization == null ? null : authenticate(authorization);
            if (caller != null) {
                context = context.withValue(Callers.CALLER, caller);
            }
        } catch (NovaException e) {
            StatusRuntimeException status = e.toStatusException();
            call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
            return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(context, call, headers, next);
    }

    private Caller authenticate(String authorization) {
        if (!authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)
                || authorization.substring(BEARER.length()).isBlank()) {
            throw NovaException.unauthenticated("authorization must be 'Bearer <access token>'");
        }
        return authenticator.authenticate(
                authorization.substring(BEARER.length()).trim());
    }

    private String clientAddress(ServerCall<?, ?> call, Metadata headers) {
        return forwardedFor.verified(headers).orElseGet(() -> peerAddress(call));
    }

    private static String peerAddress(ServerCall<?, ?> call) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return "unknown";
    }
}
