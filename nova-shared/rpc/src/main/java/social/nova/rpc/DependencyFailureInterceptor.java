package social.nova.rpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import social.nova.errors.DependencyFailures;

/**
 * Marks the final failure of a call ({@link DependencyFailures}, trailer
 * {@code nova-dependency-failed: true}) once retries, bulkhead and breaker have had their say.
 * For the service that made the call this is a failure of its dependency: when a handler fails
 * because of it, the service kit's error mapping answers with the marker, and the caller's
 * {@link RetryInterceptor} does not retry that answer. Retries thus happen at one layer only, the
 * caller closest to the failure. Outermost, so no retry decision of this call sees its own mark.
 */
public final class DependencyFailureInterceptor implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
            @Override
            public void start(Listener<R> responseListener, Metadata headers) {
                super.start(
                        new SimpleForwardingClientCallListener<>(responseListener) {
                            @Override
                            public void onClose(Status status, Metadata trailers) {
                                if (!status.isOk()) {
                                    DependencyFailures.mark(trailers);
                                }
                                super.onClose(status, trailers);
                            }
                        },
                        headers);
            }
        };
    }
}
