package social.nova.harness.latency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plan's latency exit criterion ("gRPC calls across services have > 500 ms latency" rolls the
 * polyrepo back), judged on a load run: every gRPC edge between services stays under the threshold
 * (its p99 where the services publish histograms, else its mean), and no request of any edge fails;
 * and, judged the same way, our own stricter budget ({@link #budget}).
 *
 * @param failures one line per edge that breaks it; empty when it holds
 */
public record ExitCriterion(String criterion, double thresholdMillis, boolean met, List<String> failures) {
    public ExitCriterion {
        failures = List.copyOf(failures);
    }

    public static ExitCriterion judge(List<EdgeLatency> edges, Duration threshold) {
        double limit = threshold.toNanos() / 1e6;
        List<String> failures = new ArrayList<>();
        for (EdgeLatency edge : edges) {
            String name = edge.from() + " -> " + edge.to() + " " + edge.operation();
            if (edge.errors() > 0) {
                failures.add(name + ": " + edge.errors() + " of " + edge.count() + " calls failed");
            }
            if ("grpc".equals(edge.kind()) && edge.judgedMillis() >= limit) {
                failures.add(String.format(Locale.ROOT, "%s: %s %.1f ms, not under %.0f ms", name,
                        edge.p99() != null ? "p99" : "mean", edge.judgedMillis(), limit));
            }
        }
        return new ExitCriterion(String.format(Locale.ROOT, "gRPC calls across services under %.0f ms; no failed calls", limit),
                limit, failures.isEmpty(), failures);
    }

    /**
     * Our own latency budget, stricter than the plan's criterion: the p99 of every gRPC edge (its
     * mean where the caller publishes no histogram) under {@code budget}. Failed calls are the
     * criterion's business, not the budget's.
     */
    public static ExitCriterion budget(List<EdgeLatency> edges, Duration budget) {
        double limit = budget.toNanos() / 1e6;
        List<String> failures = new ArrayList<>();
        for (EdgeLatency edge : edges) {
            if ("grpc".equals(edge.kind()) && edge.judgedMillis() >= limit) {
                failures.add(String.format(Locale.ROOT, "%s -> %s %s: %s %.1f ms, not under %.0f ms", edge.from(), edge.to(),
                        edge.operation(), edge.p99() != null ? "p99" : "mean", edge.judgedMillis(), limit));
            }
        }
        return new ExitCriterion(String.format(Locale.ROOT, "p99 of every gRPC edge under %.0f ms (our budget)", limit),
                limit, failures.isEmpty(), failures);
    }
}
