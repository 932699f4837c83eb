package social.nova.harness.latency;

/**
 * Latency of one edge of the call graph (a caller, a callee and an operation) during a load run.
 * Figures are milliseconds; a percentile is {@code null} where the source cannot give it.
 *
 * @param from      the caller ({@code load} for the load generator)
 * @param to        the callee service
 * @param operation HTTP route or gRPC method
 * @param kind      {@code http} or {@code grpc}
 * @param max       largest latency seen, where the source knows it for the run
 * @param source    where the figures come from
 * @param histogram how the calls spread over the report's bins, where the source can tell
 */
public record EdgeLatency(String from, String to, String operation, String kind, long count, long errors,
                          Double p50, Double p95, Double p99, Double max, double mean, String source,
                          LatencyHistogram histogram) {
    public static final String MEASURED = "measured by the load generator, from each request's due time";

    /** The worst figure this edge can be judged by: p99 where known, else the mean. */
    public double judgedMillis() {
        return p99 != null ? p99 : mean;
    }

    public static EdgeLatency measured(String from, String to, FixedRateLoad.Outcome outcome) {
        LatencySummary latency = outcome.latency();
        return new EdgeLatency(from, to, outcome.operation(), "http", latency.count(), outcome.errors(),
                latency.p50(), latency.p95(), latency.p99(), latency.max(), latency.mean(), MEASURED,
                outcome.histogram());
    }
}
