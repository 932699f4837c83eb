package social.nova.errors;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The single place where what a handler threw becomes a gRPC status:
 * <ul>
 *   <li>{@link NovaException}: its code, message and details, plus the request id;</li>
 *   <li>a {@link StatusRuntimeException}/{@link io.grpc.StatusException} from a downstream call:
 *       passed through unchanged, trailers included (so the {@link DependencyFailures} marker
 *       that nova-rpc put on it reaches the caller);</li>
 *   <li>a database failure that is not the request's fault ({@link StorageFailures}: a broken or
 *       refused connection → UNAVAILABLE, a statement cancelled at the deadline →
 *       DEADLINE_EXCEEDED), with a message that names nothing internal; logged as a warning;</li>
 *   <li>anything else: INTERNAL "internal error (request id ...)", with nothing of the exception
 *       sent to the caller; the exception is logged here with the request id.</li>
 * </ul>
 * Whatever it maps, a failure caused by a marked downstream failure (a NovaException whose cause
 * is the call's StatusRuntimeException) is answered with the marker too.
 * It covers exceptions thrown from any listener callback (unary and streaming handlers alike) and
 * exceptions a handler passes to {@code responseObserver.onError(...)}. A call is closed once:
 * a second close (e.g. a handler throwing after it completed) is dropped.
 */
public final class ErrorMappingInterceptor implements ServerInterceptor {
    private static final System.Logger LOG = System.getLogger(ErrorMappingInterceptor.class.getName());

    private final Supplier<String> requestIds;

    /**
     * @param requestIds yields the id of the current request when called at the start of a call
     *                   (the service kit owns the call context); when it yields null, the
     *                   interceptor generates an id if the call fails
     */
    public ErrorMappingInterceptor(Supplier<String> requestIds) {
        this.requestIds = Objects.requireNonNull(requestIds, "requestIds");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        MappingServerCall<Q, R> mappingCall = new MappingServerCall<>(call, requestIds.get());
        ServerCall.Listener<Q> listener;
        try {
            // Streaming handlers of grpc-stub run the service method inside startCall.
            listener = next.startCall(mappingCall, headers);
        } catch (RuntimeException | Error e) {
            mappingCall.fail(e);
            rethrowIfFatal(e);
            return new ServerCall.Listener<>() {};
        }
        return new MappingListener<>(listener, mappingCall);
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    /** Rewrites the close of a call and guarantees it is closed once. */
    private static final class MappingServerCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        /**
         * Serialises the call's outbound side. A lock, not {@code synchronized}: Helidon's
         * {@code sendMessage} and {@code close} write to the HTTP/2 stream and can wait for flow
         * control, which inside a monitor would pin a virtual thread's carrier on Java 21.
         */
        private final ReentrantLock lock = new ReentrantLock();

        private String requestId;
        private boolean closed;
        private boolean failed;

        MappingServerCall(ServerCall<Q, R> delegate, String requestId) {
            super(delegate);
            this.requestId = requestId;
        }

        @Override
        public void sendHeaders(Metadata headers) {
            lock.lock();
            try {
                super.sendHeaders(headers);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void sendMessage(R message) {
            lock.lock();
            try {
                super.sendMessage(message);
            } finally {
                lock.unlock();
            }
        }

        /** Maps an exception given to {@code responseObserver.onError} (it arrives as the status cause). */
        @Override
        public void close(Status status, Metadata trailers) {
            Throwable cause = unwrap(status.getCause());
            boolean handlerFailure = cause instanceof NovaException
                    || (status.getCode() == Status.Code.UNKNOWN
                            && cause != null
                            && !StatusDetails.isStatusException(cause));
            if (!handlerFailure) {
                closeOnce(status, trailers);
                return;
            }
            StatusRuntimeException mapped = map(cause);
            trailers.merge(mapped.getTrailers());
            closeOnce(mapped.getStatus(), trailers);
        }

        /** Closes the call for an exception a listener callback threw. */
        void fail(Throwable thrown) {
            lock.lock();
            try {
                failed = true;
            } finally {
                lock.unlock();
            }
            Throwable cause = unwrap(thrown);
            if (StatusDetails.isStatusException(cause)) {
                Metadata trailers = Status.trailersFromThrowable(cause);
                closeOnce(Status.fromThrowable(cause), trailers == null ? new Metadata() : trailers);
                return;
            }
            StatusRuntimeException mapped = map(cause);
            closeOnce(mapped.getStatus(), mapped.getTrailers());
        }

        boolean failed() {
            lock.lock();
            try {
                return failed;
            } finally {
                lock.unlock();
            }
        }

        private void closeOnce(Status status, Metadata trailers) {
            lock.lock();
            try {
                if (closed) {
                    LOG.log(
                            Level.DEBUG,
                            () -> "call " + methodName() + " already closed, dropping status " + status.getCode(),
                            status.getCause());
                    return;
                }
                closed = true;
                super.close(status, trailers);
            } finally {
                lock.unlock();
            }
        }

        private StatusRuntimeException map(Throwable cause) {
            StatusRuntimeException mapped = toStatus(cause);
            if (DependencyFailures.causedBy(cause)) {
                // The handler failed because a call it made failed: its caller must not retry.
                DependencyFailures.mark(mapped.getTrailers());
            }
            return mapped;
        }

        private StatusRuntimeException toStatus(Throwable cause) {
            String id = requestId();
            if (cause instanceof NovaException nova) {
                LOG.log(Level.DEBUG, () -> "call " + methodName() + " (request id " + id + ") failed: " + nova);
                return (nova.requestId().isPresent() ? nova : nova.withRequestId(id)).toStatusException();
            }
            Optional<NovaException> storage = StorageFailures.classify(cause);
            if (storage.isPresent()) {
                // Not a bug: the database is restarting, unreachable, or the call ran out of time.
                LOG.log(
                        Level.WARNING,
                        () -> "call " + methodName() + " (request id " + id + ") failed: " + storage.get(),
                        cause);
                return storage.get().withRequestId(id).toStatusException();
            }
            LOG.log(Level.ERROR, () -> "call " + methodName() + " (request id " + id + ") failed", cause);
            return NovaException.builder(
                            ErrorCode.INTERNAL, NovaException.INTERNAL_MESSAGE + " (request id " + id + ")")
                    .requestId(id)
                    .cause(cause)
                    .build()
                    .toStatusException();
        }

        private String requestId() {
            lock.lock();
            try {
                if (requestId == null) {
                    requestId = UUID.randomUUID().toString();
                }
                return requestId;
            } finally {
                lock.unlock();
            }
        }

        private String methodName() {
            return getMethodDescriptor().getFullMethodName();
        }

        private static Throwable unwrap(Throwable t) {
            Throwable current = t;
            while ((current instanceof CompletionException || current instanceof ExecutionException)
                    && current.getCause() != null) {
                current = current.getCause();
            }
            return current;
        }
    }

    /**
     * Catches what the handler throws in any callback. After a failure the handler gets no more
     * messages; it is still told when the call completes or is cancelled.
     */
    private static final class MappingListener<Q, R>
            extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final MappingServerCall<Q, R> call;

        MappingListener(ServerCall.Listener<Q> delegate, MappingServerCall<Q, R> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            if (!call.failed()) {
                guard(() -> super.onMessage(message));
            }
        }

        @Override
        public void onHalfClose() {
            if (!call.failed()) {
                guard(super::onHalfClose);
            }
        }

        @Override
        public void onReady() {
            if (!call.failed()) {
                guard(super::onReady);
            }
        }

        @Override
        public void onCancel() {
            guard(super::onCancel);
        }

        @Override
        public void onComplete() {
            guard(super::onComplete);
        }

        private void guard(Runnable callback) {
            try {
                callback.run();
            } catch (RuntimeException | Error e) {
                call.fail(e);
                rethrowIfFatal(e);
            }
        }
    }
}
