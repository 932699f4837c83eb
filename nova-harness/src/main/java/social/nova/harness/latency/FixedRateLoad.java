package social.nova.harness.latency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * Open-loop load at a fixed rate, bounded in count: request {@code i} is due at
 * {@code start + i / rate}, runs on its own virtual thread whatever earlier ones are doing, and its
 * latency is counted from when it was due, not from when it happened to start. A slow answer
 * therefore cannot hide the requests it would have held up (no "coordinated omission").
 *
 * <p>Operations are taken round-robin from the mix. A run is {@code rate x duration} requests; a
 * warm-up is a run of its own whose outcomes the caller drops (see {@link SteadyState}).
 */
public final class FixedRateLoad {
    private static final double NANOS_PER_SECOND = 1e9;

    private FixedRateLoad() {}

    /**
     * One kind of request.
     *
     * @param name how the report names it, e.g. {@code GET /api/v1/users/me}
     * @param call sends one request; {@code true} when answered as expected (an exception counts as an error)
     */
    public record Operation(String name, Callable<Boolean> call) {
        public Operation {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(call, "call");
        }
    }

    /**
     * What one operation saw in a run.
     *
     * @param latencyMicros every request's latency, in microseconds
     * @param samples       every request, in the order they finished
     */
    public record Outcome(String operation, Histogram latencyMicros, long errors, List<Sample> samples) {
        public Outcome {
            samples = List.copyOf(samples);
        }

        public LatencySummary latency() {
            return LatencySummary.ofMicros(latencyMicros);
        }

        public LatencyHistogram histogram() {
            return LatencyHistogram.ofMicros(latencyMicros);
        }
    }

    /**
     * One request.
     *
     * @param dueNanos     when it was due, on {@link System#nanoTime()}'s scale
     * @param latencyNanos from due to answered
     * @param answered     answered as expected
     */
    public record Sample(long dueNanos, long latencyNanos, boolean answered) {}

    /** {@code rate x duration} requests (at least one); each operation's outcome, in mix order. */
    public static List<Outcome> run(List<Operation> mix, double rate, Duration duration) {
        return run(mix, rate, duration, () -> {});
    }

    /**
     * As {@link #run(List, double, Duration)}, running {@code beside} once as the load starts (e.g. to
     * break something into it). It runs beside the load, not in its way: the schedule never waits for
     * it, and it has finished when this method returns.
     */
    public static List<Outcome> run(List<Operation> mix, double rate, Duration duration, Runnable beside) {
        if (mix.isEmpty()) {
            throw new IllegalArgumentException("the load needs at least one operation");
        }
        if (!(rate > 0)) {
            throw new IllegalArgumentException("the rate must be positive, was " + rate);
        }
        Map<String, Recorder> recorders = new LinkedHashMap<>();
        mix.forEach(operation -> recorders.putIfAbsent(operation.name(), new Recorder()));
        long period = (long) (NANOS_PER_SECOND / rate);
        long total = Math.max(1, Math.round(rate * duration.toNanos() / NANOS_PER_SECOND));
        long start = System.nanoTime();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            executor.execute(beside);
            for (long i = 0; i < total; i++) {
                long due = start + i * period;
                parkUntil(due);
                Operation operation = mix.get((int) (i % mix.size()));
                Recorder recorder = recorders.get(operation.name());
                executor.execute(() -> send(operation, due, recorder));
            }
        } // close() waits for every request to finish (each is bounded by its own timeout)
        List<Outcome> outcomes = new ArrayList<>();
        recorders.forEach((name, recorder) -> outcomes.add(recorder.outcome(name)));
        return outcomes;
    }

    private static void send(Operation operation, long due, Recorder recorder) {
        boolean answered;
        try {
            answered = operation.call().call();
        } catch (Exception e) {
            answered = false;
        }
        recorder.record(due, System.nanoTime() - due, answered);
    }

    private static void parkUntil(long due) {
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    private static final class Recorder {
        private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        private final AtomicLong errors = new AtomicLong();

        void record(long due, long latencyNanos, boolean answered) {
            samples.add(new Sample(due, latencyNanos, answered));
            if (!answered) {
                errors.incrementAndGet();
            }
        }

        Outcome outcome(String name) {
            List<Sample> all = List.copyOf(samples);
            return new Outcome(
                    name,
                    LatencySummary.microsOf(
                            all.stream().mapToLong(Sample::latencyNanos).toArray()),
                    errors.get(),
                    all);
        }
    }
}
