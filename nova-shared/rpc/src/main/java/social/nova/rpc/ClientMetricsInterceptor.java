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

/** Times every call from start to close, tagged with target, method and status code. */
final class ClientMetricsInterceptor implements ClientInterceptor {
    private final ClientMetrics metrics;

    ClientMetricsInterceptor(ClientMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
            @Override
            public void start(Listener<R> responseListener, Metadata headers) {
                long started = System.nanoTime();
                super.start(
                        new SimpleForwardingClientCallListener<>(responseListener) {
                            @Override
                            public void onClose(Status status, Metadata trailers) {
                                metrics.record(method, status.getCode(), System.nanoTime() - started);
                                super.onClose(status, trailers);
                            }
                        },
                        headers);
            }
        };
    }
}
