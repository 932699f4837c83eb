package social.nova.gateway;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.regex.Pattern;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * Where a request comes from: found once at the edge, carried in the gRPC {@link Context} of the
 * request, and forwarded to services as {@code x-forwarded-for}, which their per-client limits
 * (auth-service's login limits) read. Inside the fleet the gateway is the only one setting it.
 */
final class ClientAddresses {
    static final Context.Key<String> CLIENT_ADDRESS = Context.key("nova-gateway-client-address");
    static final Metadata.Key<String> FORWARDED_FOR =
            Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
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

    /** Adds {@code x-forwarded-for} from the Context to outbound calls (unless set already). */
    static ClientInterceptor forwardingInterceptor() {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                          Channel next) {
                return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        String client = CLIENT_ADDRESS.get();
                        if (client != null && !headers.containsKey(FORWARDED_FOR)) {
                            headers.put(FORWARDED_FOR, client);
                        }
                        super.start(listener, headers);
                    }
                };
            }
        };
    }
}
