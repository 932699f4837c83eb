package social.nova.rpc;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.core.IntervalFunction;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import social.nova.errors.DependencyFailures;

/**
 * Retries a unary call that failed with UNAVAILABLE, when its method is idempotent or safe
 * ({@link MethodDescriptor#isIdempotent()}/{@link MethodDescriptor#isSafe()}, which grpc-java's
 * code generator sets from the proto's {@code idempotency_level}). Other statuses, other methods
 * and streaming calls pass through untouched, and a fast failure of an open circuit breaker is
 * not retried (another attempt would only fail fast again), nor is an answer marked as a failure
 * of the target's own dependency ({@link DependencyFailures}): retries happen at one layer only,
 * the caller closest to the failure.
 *
 * <p>Attempts are spaced by exponential backoff with jitter (Resilience4j's
 * {@link IntervalFunction}, see {@link RetrySettings}) and never go past the call's deadline: when
 * the next attempt could not start before it, the last failure is returned. Each attempt is a new
 * call on the channel below, so it passes the bulkhead and the circuit breaker again and may go to
 * another instance. Responses of an attempt are held back until it closes, so the caller only
 * sees the attempt that counts.
 */
public final class RetryInterceptor implements ClientInterceptor {
    private static final System.Logger LOG = System.getLogger(RetryInterceptor.class.getName());

    private final RetrySettings settings;
    private final IntervalFunction backoff;
    private final ScheduledExecutorService scheduler;
    private final ClientMetrics metrics;

    /**
     * @param scheduler runs the delayed attempts; after its {@code shutdown()} it must still run
     *                  the ones already scheduled (the {@code ScheduledThreadPoolExecutor} default),
     *                  or their calls would never close
     */
    RetryInterceptor(RetrySettings settings, ScheduledExecutorService scheduler, ClientMetrics metrics) {
        this.settings = settings;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(
                settings.initialBackoff(), settings.multiplier(), settings.jitter(), settings.maxBackoff());
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
        if (settings.maxAttempts() < 2
                || method.getType() != MethodDescriptor.MethodType.UNARY
                || !(method.isIdempotent() || method.isSafe())) {
            return next.newCall(method, callOptions);
        }
        return new RetryingCall<>(method, callOptions, next);
    }

    /**
     * UNAVAILABLE, unless it is the breaker's own fast failure or an answer marked as a failure
     * of the target's own dependency ({@link DependencyFailures}): the target's client already
     * retried that, and retrying here would multiply attempts at every hop.
     */
    static boolean isRetryable(Status status, Metadata trailers) {
        return status.getCode() == Status.Code.UNAVAILABLE
                && !(status.getCause() instanceof CallNotPermittedException)
                && !DependencyFailures.isMarked(trailers);
    }

    private static Deadline earlier(Deadline a, Deadline b) {
        return a == null ? b : b == null ? a : a.minimum(b);
    }

    /**
     * The caller's view of a call made of one or more attempts. The caller's requests are recorded
     * and replayed on every attempt; all state is guarded by {@code lock}, which is held while an
     * attempt is started and replayed so the caller never reaches an attempt half set up. A lock,
     * not {@code synchronized}: starting an attempt goes through the bulkhead, which may wait
     * ({@code bulkhead.max-wait}), and a monitor held while a virtual thread waits pins its carrier
     * on Java 21.
     */
    private final class RetryingCall<Q, R> extends ClientCall<Q, R> {
        private final MethodDescriptor<Q, R> method;
        private final CallOptions callOptions;
        private final Channel next;
        private final ReentrantLock lock = new ReentrantLock();

        private Listener<R> listener;
        private Metadata headers;
        private Context context;
        private Deadline deadline;

        private ClientCall<Q, R> current;
        private int attempts;
        private int requested;
        private Q message;
        private boolean halfClosed;
        private Boolean messageCompression;
        private ScheduledFuture<?> pendingAttempt;
        private boolean closed;

        RetryingCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
            this.method = method;
            this.callOptions = callOptions;
            this.next = next;
        }

        @Override
        public void start(Listener<R> responseListener, Metadata headers) {
            lock.lock();
            try {
                this.listener = responseListener;
                // The call owns the headers from here on; each attempt gets a copy, which its
                // transport may change.
                this.headers = headers;
                this.context = Context.current();
                // grpc-java applies the earlier of the two to every attempt; so does the budget.
                this.deadline = earlier(callOptions.getDeadline(), context.getDeadline());
                if (closed) {
                    responseListener.onClose(
                            Status.CANCELLED.withDescription("cancelled before start"), new Metadata());
                    return;
                }
                startAttempt();
            } finally {
                lock.unlock();
            }
        }

        /**
         * An attempt can fail while it starts (open breaker, full bulkhead) and then answers the
         * caller at once, on the starting thread. A blocking stub only wakes up for work handed to
         * its call executor, so later attempts start there, in the caller's Context.
         */
        private void startAttemptOnCallExecutor() {
            Runnable attempt = context.wrap(this::startAttempt);
            Executor executor = callOptions.getExecutor();
            if (executor == null) {
                attempt.run();
                return;
            }
            try {
                executor.execute(attempt);
            } catch (RejectedExecutionException callerGone) {
                // Only after the caller gave up on the call: nobody is waiting for an answer.
            }
        }

        private void startAttempt() {
            lock.lock();
            try {
                pendingAttempt = null;
                if (closed) {
                    return;
                }
                ClientCall<Q, R> attempt = next.newCall(method, callOptions);
                current = attempt;
                attempts++;
                Metadata attemptHeaders = new Metadata();
                attemptHeaders.merge(headers);
                attempt.start(new AttemptListener(attempt), attemptHeaders);
                if (messageCompression != null) {
                    attempt.setMessageCompression(messageCompression);
                }
                if (requested > 0) {
                    attempt.request(requested);
                }
                if (message != null) {
                    attempt.sendMessage(message);
                }
                if (halfClosed) {
                    attempt.halfClose();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void request(int numMessages) {
            lock.lock();
            try {
                requested += numMessages;
                if (current != null) {
                    current.request(numMessages);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void sendMessage(Q request) {
            lock.lock();
            try {
                message = request;
                if (current != null) {
                    current.sendMessage(request);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void halfClose() {
            lock.lock();
            try {
                halfClosed = true;
                if (current != null) {
                    current.halfClose();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void cancel(String reason, Throwable cause) {
            boolean betweenAttempts;
            lock.lock();
            try {
                betweenAttempts = pendingAttempt != null && !closed;
                if (betweenAttempts) {
                    pendingAttempt.cancel(false);
                    pendingAttempt = null;
                    closed = true;
                } else if (current != null) {
                    // The attempt closes with CANCELLED, which is passed on and never retried.
                    current.cancel(reason, cause);
                } else {
                    closed = true;
                }
            } finally {
                lock.unlock();
            }
            if (betweenAttempts) {
                listener.onClose(Status.CANCELLED.withDescription(reason).withCause(cause), new Metadata());
            }
        }

        @Override
        public boolean isReady() {
            lock.lock();
            try {
                return current != null && current.isReady();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            lock.lock();
            try {
                messageCompression = enabled;
                if (current != null) {
                    current.setMessageCompression(enabled);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Attributes getAttributes() {
            lock.lock();
            try {
                return current == null ? Attributes.EMPTY : current.getAttributes();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Settles a closed attempt: true when its outcome goes to the caller, false when it is
         * stale or another attempt has been scheduled instead.
         */
        private boolean settle(ClientCall<Q, R> attempt, Status status, Metadata trailers) {
            lock.lock();
            try {
                if (closed || attempt != current) {
                    return false;
                }
                if (!status.isOk() && scheduleRetry(status, trailers)) {
                    return false;
                }
                closed = true;
                return true;
            } finally {
                lock.unlock();
            }
        }

        private boolean scheduleRetry(Status status, Metadata trailers) {
            if (!isRetryable(status, trailers) || attempts >= settings.maxAttempts()) {
                return false;
            }
            long delayMillis = backoff.apply(attempts);
            if (deadline != null && deadline.timeRemaining(TimeUnit.MILLISECONDS) <= delayMillis) {
                return false; // the next attempt could not start in time: the failure stands
            }
            try {
                pendingAttempt =
                        scheduler.schedule(this::startAttemptOnCallExecutor, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException clientClosing) {
                return false;
            }
            metrics.retried(method);
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "retrying {0} in {1} ms after {2}",
                    method.getFullMethodName(),
                    delayMillis,
                    status);
            return true;
        }

        /** Holds back one attempt's response until the attempt closes and is known to count. */
        private final class AttemptListener extends Listener<R> {
            private final ClientCall<Q, R> attempt;
            private Metadata responseHeaders;
            private R response;

            AttemptListener(ClientCall<Q, R> attempt) {
                this.attempt = attempt;
            }

            @Override
            public void onHeaders(Metadata headers) {
                responseHeaders = headers;
            }

            @Override
            public void onMessage(R message) {
                response = message;
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                if (!settle(attempt, status, trailers)) {
                    return;
                }
                if (responseHeaders != null) {
                    listener.onHeaders(responseHeaders);
                }
                if (response != null) {
                    listener.onMessage(response);
                }
                listener.onClose(status, trailers);
            }
        }
    }
}
