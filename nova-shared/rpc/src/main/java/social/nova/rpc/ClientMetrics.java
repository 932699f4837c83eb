package social.nova.rpc;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of the client of one target service, looked up once per method and status code so
 * the call path does not build meter ids:
 * <ul>
 *   <li>{@value #CALLS} (timer; tags {@code target}, {@code method}, {@code status}): every call as
 *       its caller saw it, retries included, for every status code;</li>
 *   <li>{@value #RETRIES} (counter; tags {@code target}, {@code method}): attempts after the first.</li>
 * </ul>
 * Breaker and bulkhead meters come from resilience4j-micrometer (see {@link NovaClients}).
 */
final class ClientMetrics {
    static final String CALLS = "nova.rpc.client.calls";
    static final String RETRIES = "nova.rpc.client.retries";
    private static final Status.Code[] CODES = Status.Code.values();

    private final String target;
    private final MeterRegistry registry;
    private final CallLatencies latencies;
    private final ConcurrentMap<String, Timer[]> timers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> retries = new ConcurrentHashMap<>();
    /** Each method's exact-latency recorder, looked up once (the call path allocates nothing). */
    private final ConcurrentMap<String, CallLatencies.EdgeRecorder> recorders = new ConcurrentHashMap<>();

    ClientMetrics(String target, MeterRegistry registry) {
        this(target, registry, new CallLatencies());
    }

    ClientMetrics(String target, MeterRegistry registry, CallLatencies latencies) {
        this.target = target;
        this.registry = registry;
        this.latencies = latencies;
    }

    /** One call that closed with {@code code} after {@code nanos}: the timer and the exact histogram. */
    void record(MethodDescriptor<?, ?> method, Status.Code code, long nanos) {
        callTimer(method, code).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        recorder(method).record(code, nanos);
    }

    Timer callTimer(MethodDescriptor<?, ?> method, Status.Code code) {
        Timer[] byCode = timers.computeIfAbsent(method.getFullMethodName(), name -> new Timer[CODES.length]);
        Timer timer = byCode[code.ordinal()];
        if (timer == null) {
            // A racing thread registers the same meter: the registry returns one instance.
            timer = MeterRegistration.create(() -> Timer.builder(CALLS)
                    .description("gRPC client calls as their callers saw them, retries included")
                    .tags("target", target, "method", method.getFullMethodName(), "status", code.name())
                    // Buckets, so p50/p95/p99 per edge can be read from Prometheus (the harness does).
                    .publishPercentileHistogram()
                    .register(registry));
            byCode[code.ordinal()] = timer;
        }
        return timer;
    }

    void retried(MethodDescriptor<?, ?> method) {
        recorder(method).retried();
        String name = method.getFullMethodName();
        Counter counter = retries.get(name);
        if (counter == null) {
            // Not inside computeIfAbsent: the map's bin lock is a monitor (see MeterRegistration).
            counter = MeterRegistration.create(() -> Counter.builder(RETRIES)
                    .description("gRPC client attempts after the first")
                    .tags("target", target, "method", name)
                    .register(registry));
            Counter raced = retries.putIfAbsent(name, counter);
            if (raced != null) {
                counter = raced;
            }
        }
        counter.increment();
    }

    private CallLatencies.EdgeRecorder recorder(MethodDescriptor<?, ?> method) {
        return recorders.computeIfAbsent(method.getFullMethodName(), name -> latencies.edge(target, name));
    }
}
