package social.nova.harness.latency;

import java.util.List;

/**
 * When a warm-up is over: the load runs in windows, and the stack is in steady state once the
 * median latency of the last window is within the tolerance of the window before (JIT compiled,
 * connections and pools open, caches filled), with no failed request in either, after at least a
 * minimum number of windows (the JIT's second tier needs thousands of calls of a method, and a
 * first warm-up window or two can look flat before it has run). Judged on figures only, so it is
 * tested without a clock.
 *
 * <p>Each window also carries how long the stack's JIT compilers worked in it, for the report
 * only. It is no criterion, because at this load it never settles: measured at 40 req/s, the
 * stack's JIT still worked 0.6-1.1 s in each 5 s window after 3 minutes of warm-up (17 s in the
 * first): C2 needs thousands of calls of a method, and a route gets 4 per second. A budget judged
 * after 3 minutes of warm-up measured the same tail as one judged after 20 s.
 */
public final class SteadyState {
    /** Never fewer than two windows: the first one (class loading, connections) is never steady. */
    public static final int MIN_WINDOWS = 2;
    /** Medians this close in absolute terms are the same, whatever the ratio (sub-millisecond noise). */
    public static final double ABSOLUTE_TOLERANCE_MILLIS = 0.5;

    private SteadyState() {}

    /**
     * One warm-up window.
     *
     * @param p50Millis median latency over every request of the window
     * @param jitMillis how long the stack's JIT compilers worked during the window, summed over its JVMs
     *                  (reported, not judged)
     */
    public record Window(double p50Millis, long requests, long errors, double jitMillis) {}

    /**
     * Whether the windows so far end in steady state, within {@code relativeTolerance} (0.1: 10 %),
     * after at least {@code minWindows} windows.
     */
    public static boolean reached(List<Window> windows, double relativeTolerance, int minWindows) {
        if (windows.size() < Math.max(MIN_WINDOWS, minWindows)) {
            return false;
        }
        Window last = windows.getLast();
        Window before = windows.get(windows.size() - 2);
        if (last.errors() > 0 || before.errors() > 0 || last.requests() == 0 || before.requests() == 0) {
            return false;
        }
        double difference = Math.abs(last.p50Millis() - before.p50Millis());
        return difference <= ABSOLUTE_TOLERANCE_MILLIS || difference <= relativeTolerance * before.p50Millis();
    }
}
