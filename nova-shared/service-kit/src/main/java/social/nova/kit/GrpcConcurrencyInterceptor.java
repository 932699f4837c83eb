package social.nova.kit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.concurrency.limits.LimitAlgorithm;
import social.nova.errors.NovaException;

/**
 * The port's concurrency limit for gRPC calls. Helidon 4.5 applies its listener limit to HTTP/1.1
 * requests and to HTTP/2 requests it routes, but not to gRPC streams (a sub-protocol of its HTTP/2
 * connection), so without this a flood of gRPC calls was unbounded. The kit hands this interceptor
 * the same {@link Limit} instance as the listener: one budget for the port, whatever the protocol.
 * A call over it (after the limit's short queue) is refused at once with UNAVAILABLE and
 * {@code RetryInfo}; the permit is given back when the call closes or is cancelled.
 *
 * <p>{@code grpc.health.v1} is never limited: Consul's check must see a busy instance as alive, or
 * load shedding would turn into the instance flapping out of rotation.
 */
final class GrpcConcurrencyInterceptor implements ServerInterceptor {
    private final Limit limit;
    private final Duration retryAfter;

    GrpcConcurrencyInterceptor(Limit limit, Duration retryAfter) {
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (HealthGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        Optional<LimitAlgorithm.Token> acquired = limit.tryAcquire(true);
        if (acquired.isEmpty()) {
            throw NovaException.unavailable(
                    "the server is busy; retry after " + retryAfter.toSeconds() + " s", retryAfter);
        }
        Permit permit = new Permit(acquired.get());
        ServerCall<Q, R> releasing = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                permit.release(status.isOk());
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(releasing, headers);
        } catch (RuntimeException | Error e) {
            permit.release(false);
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                permit.release(false);
                super.onCancel();
            }

            @Override
            public void onComplete() {
                permit.release(true);
                super.onComplete();
            }
        };
    }

    /** A token given back once, however the call ends. */
    private static final class Permit {
        private final LimitAlgorithm.Token token;
        private final AtomicBoolean released = new AtomicBoolean();

        Permit(LimitAlgorithm.Token token) {
            this.token = token;
        }

        void release(boolean success) {
            if (released.compareAndSet(false, true)) {
                if (success) {
                    token.success();
                } else {
                    token.dropped();
                }
            }
        }
    }
}
