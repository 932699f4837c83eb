package social.nova.kit;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import social.nova.rpc.MeterRegistration;

/**
 * Times every inbound gRPC call by method and final status code (failures included, which
 * Helidon's own gRPC metrics do not break down), and counts calls in flight so that graceful
 * shutdown knows when the server has drained. Outermost interceptor, so it sees the status the
 * caller receives after error mapping.
 */
public final class GrpcServerMetrics implements ServerInterceptor {
    static final String CALLS = "nova.grpc.server.calls";
    static final String IN_FLIGHT = "nova.grpc.server.in.flight";

    private static final Status.Code[] CODES = Status.Code.values();

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentMap<String, Timer[]> timers = new ConcurrentHashMap<>();

    public GrpcServerMetrics(MeterRegistry registry, String serviceName) {
        this.registry = registry;
        registry.gauge(IN_FLIGHT, List.of(Tag.of("service", serviceName)), inFlight);
    }

    /** Calls started and not yet closed. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        CallRecord record = new CallRecord(call.getMethodDescriptor().getFullMethodName());
        ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                record.finish(status.getCode());
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
            @Override
            public void onCancel() {
                // The client went away (or its deadline passed) before the handler closed the call.
                record.finish(Status.Code.CANCELLED);
                super.onCancel();
            }
        };
    }

    /** The timer of one method and code, created once (on a platform thread, see {@link MeterRegistration}). */
    private Timer timer(String method, Status.Code code) {
        Timer[] byCode = timers.computeIfAbsent(method, name -> new Timer[CODES.length]);
        Timer timer = byCode[code.ordinal()];
        if (timer == null) {
            // A racing thread registers the same meter: the registry returns one instance.
            timer = MeterRegistration.create(() -> Timer.builder(CALLS)
                    .description("Inbound gRPC calls by method and status code")
                    .tag("method", method)
                    .tag("code", code.name())
                    .publishPercentileHistogram()
                    .register(registry));
            byCode[code.ordinal()] = timer;
        }
        return timer;
    }

    /** One call, finished exactly once whichever of close and cancel comes first. */
    private final class CallRecord {
        private final String method;
        private final long startNanos = System.nanoTime();
        private final AtomicBoolean finished = new AtomicBoolean();

        CallRecord(String method) {
            this.method = method;
            inFlight.incrementAndGet();
        }

        void finish(Status.Code code) {
            if (finished.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
                timer(method, code).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            }
        }
    }
}
