package social.nova.harness.latency;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;

/**
 * Latency of one edge of the call graph (a caller, a callee and an operation) during a load run.
 * Figures are milliseconds, from every recorded call (HdrHistogram); a figure is {@code null} where
 * the source cannot give it.
 *
 * @param from      the caller ({@code load} for the load generator)
 * @param to        the callee service
 * @param operation HTTP route or gRPC method
 * @param kind      {@code http} or {@code grpc}
 * @param errors    calls that failed (for gRPC: closed with any status but OK)
 * @param max       largest latency of the run
 * @param source    where the figures come from
 * @param histogram how the calls spread over the report's bins
 * @param retries   attempts after the first (gRPC edges; 0 for the load generator, which never retries)
 * @param p95Low    the lower bound of a one-sided 95 % confidence interval of the p95 (see {@link Confidence})
 * @param p99Low    the same for the p99
 */
public record EdgeLatency(
        String from,
        String to,
        String operation,
        String kind,
        long count,
        long errors,
        Double p50,
        Double p95,
        Double p99,
        Double max,
        double mean,
        String source,
        LatencyHistogram histogram,
        long retries,
        Double p95Low,
        Double p99Low) {
    public static final String MEASURED = "the load generator: every request from its due time, HdrHistogram";
    /** A p99 is judged on at least this many samples... */
    public static final long P99_MIN_SAMPLES = 1_000;
    /** ...and a p95 on at least this many; fewer are not judged. */
    public static final long P95_MIN_SAMPLES = 200;

    public static EdgeLatency measured(String from, String to, FixedRateLoad.Outcome outcome) {
        LatencySummary latency = outcome.latency();
        return new EdgeLatency(
                from,
                to,
                outcome.operation(),
                "http",
                latency.count(),
                outcome.errors(),
                latency.p50(),
                latency.p95(),
                latency.p99(),
                latency.max(),
                latency.mean(),
                MEASURED,
                outcome.histogram(),
                0,
                Confidence.lowerBoundMillis(outcome.latencyMicros(), 0.95),
                Confidence.lowerBoundMillis(outcome.latencyMicros(), 0.99));
    }

    /** Kind of an edge that is an event's way from its producer to a consumer's store, not a call. */
    public static final String EVENT = "event";
    /** The read side's promise: an event is in the consumer's store within this, at p99. */
    public static final double EVENT_LAG_TARGET_MILLIS = 2_000;

    /**
     * The lag of an event from the producer's commit to the consumer's store, one sample per event
     * (microseconds). Not a call: neither the exit criterion nor the budget judges it; the report
     * holds its p99 against {@link #EVENT_LAG_TARGET_MILLIS}.
     */
    public static EdgeLatency eventLag(
            String from, String to, String operation, org.HdrHistogram.Histogram micros, String source) {
        LatencySummary lag = LatencySummary.ofMicros(micros);
        return new EdgeLatency(
                from,
                to,
                operation,
                EVENT,
                lag.count(),
                0,
                lag.p50(),
                lag.p95(),
                lag.p99(),
                lag.max(),
                lag.mean(),
                source,
                null,
                0,
                Confidence.lowerBoundMillis(micros, 0.95),
                Confidence.lowerBoundMillis(micros, 0.99));
    }

    /** For an event edge: whether its p99, on enough samples, is over the target (null: too few samples). */
    @SuppressFBWarnings(
            value = "NP_BOOLEAN_RETURN_NULL",
            justification = "three answers in the report's JSON: over, not over, not judged (null)")
    public Boolean eventLagOverTarget() {
        if (!EVENT.equals(kind) || count < P99_MIN_SAMPLES || p99Low == null) {
            return null;
        }
        return p99Low > EVENT_LAG_TARGET_MILLIS;
    }

    public String name() {
        return from + " -> " + to + " " + operation;
    }

    /** The percentile the budget judges this edge by, given its samples: p99, p95, or none (too few). */
    public String budgetPercentile() {
        if (count >= P99_MIN_SAMPLES && p99 != null) {
            return "p99";
        }
        return count >= P95_MIN_SAMPLES && p95 != null ? "p95" : null;
    }

    /**
     * The lower confidence bound of {@link #budgetMillis()}: the budget is broken, with 95 %
     * confidence, only when this is over it. Null when not judged.
     */
    public Double budgetLowMillis() {
        String percentile = budgetPercentile();
        if (percentile == null) {
            return null;
        }
        return "p99".equals(percentile) ? p99Low : p95Low;
    }

    /** The figure of {@link #budgetPercentile()}, or null when the edge has too few samples to judge. */
    public Double budgetMillis() {
        String percentile = budgetPercentile();
        if (percentile == null) {
            return null;
        }
        return "p99".equals(percentile) ? p99 : p95;
    }
}
