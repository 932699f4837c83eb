package social.nova.rpc;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors.CheckedForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Bounds the calls in flight to one target service (a Resilience4j semaphore bulkhead), so a slow
 * target cannot tie up every thread of its callers. A call beyond the bound fails with
 * RESOURCE_EXHAUSTED "bulkhead for &lt;target&gt; is full (...)", without touching the network.
 * Every started call holds its slot until it closes.
 */
public final class BulkheadInterceptor implements ClientInterceptor {
    private final String target;
    private final Bulkhead bulkhead;

    public BulkheadInterceptor(String target, Bulkhead bulkhead) {
        this.target = target;
        this.bulkhead = bulkhead;
    }

    /** The Resilience4j configuration for the settings. */
    public static BulkheadConfig config(BulkheadSettings settings) {
        return BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrentCalls())
                .maxWaitDuration(settings.maxWait())
                .writableStackTraceEnabled(false)
                .build();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
        return new CheckedForwardingClientCall<>(next.newCall(method, callOptions)) {
            @Override
            protected void checkedStart(Listener<R> responseListener, Metadata headers) {
                if (!bulkhead.tryAcquirePermission()) {
                    throw Status.RESOURCE_EXHAUSTED
                            .withDescription("bulkhead for " + target + " is full ("
                                    + bulkhead.getBulkheadConfig().getMaxConcurrentCalls()
                                    + " concurrent calls); rejecting")
                            .withCause(BulkheadFullException.createBulkheadFullException(bulkhead))
                            .asRuntimeException();
                }
                try {
                    delegate()
                            .start(
                                    new SimpleForwardingClientCallListener<>(responseListener) {
                                        @Override
                                        public void onClose(Status status, Metadata trailers) {
                                            bulkhead.onComplete();
                                            super.onClose(status, trailers);
                                        }
                                    },
                                    headers);
                } catch (RuntimeException | Error e) {
                    bulkhead.onComplete();
                    throw e;
                }
            }
        };
    }
}
