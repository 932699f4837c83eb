package social.nova.rpc;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * What travels with a call from service to service: the request id ({@code x-request-id}), the
 * caller's user id ({@code x-nova-caller}) and the {@code authorization} header to forward, plus
 * the deadline.
 *
 * <p>Inbound, {@link #serverInterceptor()} puts them into the {@link Context} of the handler
 * (generating a request id when there is none, and turning {@code grpc-timeout} into a Context
 * deadline because Helidon's gRPC server does not). Outbound, {@link PropagationInterceptor}
 * (part of every {@link NovaClients} channel) copies them from {@link Context#current()} into the
 * call's headers; grpc-java itself caps an outbound call's deadline at the Context's. So a handler
 * that calls another service forwards identity, request id and the remaining time budget
 * without doing anything.
 *
 * <p>{@code x-nova-caller} is informational (logs, metrics): authorization decisions rest on the
 * forwarded token, which the receiving service verifies itself.
 */
public final class CallContext {
    /** Request id header, generated at the edge (or by the first service) and kept end to end. */
    public static final Metadata.Key<String> REQUEST_ID_HEADER =
            Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    /** The calling user's id as the first service verified it. */
    public static final Metadata.Key<String> CALLER_HEADER =
            Metadata.Key.of("x-nova-caller", Metadata.ASCII_STRING_MARSHALLER);
    /** The caller's credentials ({@code Bearer <token>}), forwarded unchanged. */
    public static final Metadata.Key<String> AUTHORIZATION_HEADER =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    static final Metadata.Key<String> TIMEOUT_HEADER =
            Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);

    /** The current request id. */
    public static final Context.Key<String> REQUEST_ID = Context.key("nova-request-id");
    /** The current caller's user id, if known. */
    public static final Context.Key<String> CALLER_ID = Context.key("nova-caller-id");
    /** The current caller's {@code authorization} header value, if any. */
    public static final Context.Key<String> AUTHORIZATION = Context.key("nova-authorization");

    private CallContext() {}

    /** The request id of the call being served, or {@code null} outside one. */
    public static String currentRequestId() {
        return REQUEST_ID.get();
    }

    /** The user id of the caller of the call being served, or {@code null}. */
    public static String currentCallerId() {
        return CALLER_ID.get();
    }

    /** The {@code authorization} value of the call being served, or {@code null}. */
    public static String currentAuthorization() {
        return AUTHORIZATION.get();
    }

    /**
     * The server side: fills the Context from inbound headers, generates a request id when absent
     * and applies {@code grpc-timeout} as the Context deadline. Deadline timers run on a shared
     * daemon thread.
     */
    public static ServerInterceptor serverInterceptor() {
        return serverInterceptor(DeadlineTimer.SCHEDULER);
    }

    /** As {@link #serverInterceptor()}, with deadline timers on the given scheduler. */
    public static ServerInterceptor serverInterceptor(ScheduledExecutorService deadlineScheduler) {
        return serverInterceptor(deadlineScheduler, Deadline.getSystemTicker());
    }

    /**
     * As {@link #serverInterceptor(ScheduledExecutorService)}, with deadlines measured by
     * {@code ticker} (tests: a fake one; it must be the ticker of any deadline already on the
     * Context, as grpc-java compares only deadlines of one ticker).
     */
    static ServerInterceptor serverInterceptor(ScheduledExecutorService deadlineScheduler, Deadline.Ticker ticker) {
        return new InboundInterceptor(deadlineScheduler, ticker);
    }

    /** The client side: copies the Context into outbound headers (see {@link PropagationInterceptor}). */
    public static ClientInterceptor propagationInterceptor() {
        return new PropagationInterceptor();
    }

    /**
     * Parses a {@code grpc-timeout} value (1 to 8 digits and a unit: H, M, S, m, u, n) to
     * nanoseconds; -1 when it is malformed.
     */
    static long parseTimeoutNanos(String value) {
        if (value == null || value.length() < 2 || value.length() > 9) {
            return -1;
        }
        long amount = 0;
        for (int i = 0; i < value.length() - 1; i++) {
            char digit = value.charAt(i);
            if (digit < '0' || digit > '9') {
                return -1;
            }
            amount = amount * 10 + (digit - '0');
        }
        TimeUnit unit = switch (value.charAt(value.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? -1 : unit.toNanos(amount);
    }

    private static final class DeadlineTimer {
        static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("nova-call-deadlines").factory());
    }

    private static final class InboundInterceptor implements ServerInterceptor {
        private final ScheduledExecutorService deadlineScheduler;
        private final Deadline.Ticker ticker;

        InboundInterceptor(ScheduledExecutorService deadlineScheduler, Deadline.Ticker ticker) {
            this.deadlineScheduler = deadlineScheduler;
            this.ticker = ticker;
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String requestId = headers.get(REQUEST_ID_HEADER);
            Context context = Context.current()
                    .withValues(
                            REQUEST_ID,
                                    requestId == null || requestId.isBlank()
                                            ? UUID.randomUUID().toString()
                                            : requestId,
                            CALLER_ID, headers.get(CALLER_HEADER),
                            AUTHORIZATION, headers.get(AUTHORIZATION_HEADER));
            long timeoutNanos = parseTimeoutNanos(headers.get(TIMEOUT_HEADER));
            if (timeoutNanos < 0) {
                return Contexts.interceptCall(context, call, headers, next);
            }
            // Never later than a deadline the server already put on the Context (grpc-java does).
            Context.CancellableContext withDeadline =
                    context.withDeadline(Deadline.after(timeoutNanos, TimeUnit.NANOSECONDS, ticker), deadlineScheduler);
            ServerCall.Listener<Q> listener = Contexts.interceptCall(withDeadline, call, headers, next);
            return new SimpleForwardingServerCallListener<>(listener) {
                // Cancelling releases the deadline timer once the call is over.
                @Override
                public void onComplete() {
                    try {
                        super.onComplete();
                    } finally {
                        withDeadline.cancel(null);
                    }
                }

                @Override
                public void onCancel() {
                    try {
                        super.onCancel();
                    } finally {
                        withDeadline.cancel(null);
                    }
                }
            };
        }
    }
}
