package social.nova.gateway;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.regex.Pattern;

import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import social.nova.kit.ForwardedFor;

/**
 * Where a request comes from: found once at the edge, carried in the gRPC {@link Context} of the
 * request, and forwarded to services as {@code x-forwarded-for}, which their per-client limits
 * (auth-service's login limits) read. The gateway signs it with {@code forwarding.secret} (the
 * service kit's {@link ForwardedFor}); services ignore a forwarded address that is not signed, so
 * nobody else on the network can choose the address they are limited by.
 */
final class ClientAddresses {
    static final Context.Key<String> CLIENT_ADDRESS = Context.key("nova-gateway-client-address");
    private static final HeaderName X_FORWARDED_FOR = HeaderNames.X_FORWARDED_FOR;
    private static final String UNKNOWN = "unknown";
    /** IPv4 or IPv6 characters only: the value becomes a rate-limit key and gRPC metadata. */
    private static final Pattern IP_ADDRESS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final boolean trustForwardedFor;

    ClientAddresses(boolean trustForwardedFor) {
        this.trustForwardedFor = trustForwardedFor;
    }

    /**
     * The client's address: the first {@code X-Forwarded-For} entry when the gateway is configured
     * to trust it (it sits behind a load balancer that sets it), else the connection's peer.
     */
    String of(ServerRequest request) {
        if (trustForwardedFor) {
            String forwarded = request.headers().first(X_FORWARDED_FOR).orElse("");
            String first = forwarded.split(",", 2)[0].trim();
            if (IP_ADDRESS.matcher(first).matches()) {
                return first;
            }
        }
        SocketAddress peer = request.remotePeer().address();
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return UNKNOWN;
    }

    /**
     * Adds the client's address from the Context to outbound calls, signed.
     *
     * @throws IllegalStateException without {@code forwarding.secret}: services would otherwise see
     *                               every client at the gateway's address and limit them all as one
     */
    static ClientInterceptor forwardingInterceptor(ForwardedFor forwardedFor) {
        if (!forwardedFor.canSign()) {
            throw new IllegalStateException(
                    "api-gateway cannot start: forwarding.secret (environment FORWARDING_SECRET) "
                            + "is not set; the gateway signs the client addresses it forwards to services with it, and services "
                            + "must hold the same secret");
        }
        return forwardedFor.signing(CLIENT_ADDRESS::get);
    }
}
