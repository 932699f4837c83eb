package social.nova.harness.latency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How a load run is judged, on figures that do not depend on chance:
 * <ul>
 *   <li>{@link #judge}: the plan's exit criterion ("gRPC calls across services have > 500 ms
 *       latency" rolls the polyrepo back): no gRPC call of the measured load over the threshold (its
 *       exact maximum), and no failed request or call on any edge;</li>
 *   <li>{@link #budget}: our own, stricter budget, judged only after a warm-up that reached steady
 *       state and only on enough samples: the p99 of an edge with at least
 *       {@value EdgeLatency#P99_MIN_SAMPLES} calls, the p95 of one with at least
 *       {@value EdgeLatency#P95_MIN_SAMPLES}; an edge with fewer is listed as not judged. An edge
 *       breaks it when it is over budget with 95 % confidence ({@link Confidence}); a point estimate
 *       over the budget whose confidence interval reaches under it is noted, not failed.</li>
 * </ul>
 *
 * @param met      whether it holds (for the budget: also that it could be judged at all)
 * @param failures one line per edge that breaks it; empty when it holds
 * @param notes    how it was judged: which percentile per edge, what was not judged and why
 */
public record ExitCriterion(
        String criterion, double thresholdMillis, boolean met, List<String> failures, List<String> notes) {
    /** How the note of a budget not judged that says what it would have found begins. */
    public static final String HAD_IT_BEEN_JUDGED = "had it been judged";

    public ExitCriterion {
        failures = List.copyOf(failures);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    public static ExitCriterion judge(List<EdgeLatency> edges, Duration threshold) {
        double limit = millis(threshold);
        List<String> failures = new ArrayList<>();
        for (EdgeLatency edge : edges) {
            if (edge.errors() > 0) {
                failures.add(edge.name() + ": " + edge.errors() + " of " + edge.count() + " calls failed");
            }
            if ("grpc".equals(edge.kind()) && edge.max() != null && edge.max() >= limit) {
                failures.add(String.format(
                        Locale.ROOT, "%s: a call took %.1f ms, not under %.0f ms", edge.name(), edge.max(), limit));
            }
        }
        return new ExitCriterion(
                String.format(
                        Locale.ROOT, "no gRPC call across services over %.0f ms; no failed request or call", limit),
                limit,
                failures.isEmpty(),
                failures,
                List.of());
    }

    /**
     * Our budget for every gRPC edge, judged only when {@code steady} (the warm-up reached steady
     * state), steal not considered. Failed calls are the criterion's business, not the budget's.
     */
    public static ExitCriterion budget(List<EdgeLatency> edges, Duration budget, boolean steady) {
        return budget(edges, budget, steady, OptionalDouble.of(0), 1);
    }

    /**
     * The budget, judged only on a steady stack of a machine that kept its CPU: when its hypervisor
     * gave more than {@code maxSteal} (a share) of the machine's CPU time to other tenants during
     * the measured load ({@link CpuSteal}), the tail measures them, and the budget is reported as
     * not judged instead of failed. So is an unknown steal (a hypervisor that does not report it,
     * {@link CpuSteal}): the budget is judged only where the machine shows that it kept its CPU.
     */
    public static ExitCriterion budget(
            List<EdgeLatency> edges, Duration budget, boolean steady, OptionalDouble steal, double maxSteal) {
        double limit = millis(budget);
        String criterion = String.format(
                Locale.ROOT,
                "p99 of every gRPC edge under %.0f ms (p95 on %d..%d samples), "
                        + "after a steady warm-up, failed only with 95 %% confidence (our budget)",
                limit,
                EdgeLatency.P95_MIN_SAMPLES,
                EdgeLatency.P99_MIN_SAMPLES - 1);
        if (!steady) {
            return notJudged(
                    criterion,
                    limit,
                    "not judged: the warm-up did not reach steady state",
                    "the budget is judged only after a warm-up that reached steady state",
                    edges);
        }
        if (steal.isEmpty()) {
            return notJudged(
                    criterion,
                    limit,
                    "not judged: this machine does not report steal (a virtual machine whose steal counter"
                            + " stayed at 0 since boot), so CPU time taken by other tenants cannot be ruled out",
                    "the budget is judged only where the machine reports its steal and it stays low",
                    edges);
        }
        if (!quiet(steal, maxSteal)) {
            return notJudged(
                    criterion,
                    limit,
                    String.format(
                            Locale.ROOT,
                            "not judged: the machine's hypervisor took %.2f %% of its CPU time for other tenants (steal) during "
                                    + "the measured load",
                            steal.getAsDouble() * 100),
                    String.format(
                            Locale.ROOT,
                            "the budget is judged only when steal stays at or under %.2f %%",
                            maxSteal * 100),
                    edges);
        }
        List<String> failures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        // A maxSteal of 1 (all of it) means steal is no criterion here: nothing to note.
        steal.stream()
                .filter(share -> maxSteal < 1)
                .forEach(share -> notes.add(String.format(
                        Locale.ROOT,
                        "steal during the measured load: %.2f %% of the machine's CPU time (judged up to %.2f %%)",
                        share * 100,
                        maxSteal * 100)));
        judgeEdges(edges, limit, failures, notes);
        return new ExitCriterion(criterion, limit, failures.isEmpty(), failures, notes);
    }

    /**
     * Not judged, for the reason given; what the edges would have said is in the notes all the same
     * (each edge's figure, and the edges that would break the budget), so a run that cannot be judged
     * still shows where the budget stands.
     */
    private static ExitCriterion notJudged(
            String criterion, double limit, String reason, String rule, List<EdgeLatency> edges) {
        List<String> wouldBreak = new ArrayList<>();
        List<String> figures = new ArrayList<>();
        judgeEdges(edges, limit, wouldBreak, figures);
        List<String> notes = new ArrayList<>();
        notes.add(rule);
        notes.add(
                wouldBreak.isEmpty()
                        ? HAD_IT_BEEN_JUDGED + ", every edge would have been within it"
                        : HAD_IT_BEEN_JUDGED + ", " + wouldBreak.size() + " edge(s) would have broken it: "
                                + String.join("; ", wouldBreak));
        notes.addAll(figures);
        return new ExitCriterion(criterion, limit, false, List.of(reason), notes);
    }

    /** For a budget not judged: what it would have found (see {@link #HAD_IT_BEEN_JUDGED}); empty otherwise. */
    public Optional<String> hadItBeenJudged() {
        return notes.stream()
                .filter(note -> note.startsWith(HAD_IT_BEEN_JUDGED))
                .findFirst();
    }

    /** Each gRPC edge against {@code limit}: a note per edge, a failure per edge over it with 95 % confidence. */
    private static void judgeEdges(List<EdgeLatency> edges, double limit, List<String> failures, List<String> notes) {
        for (EdgeLatency edge : edges) {
            if (!"grpc".equals(edge.kind())) {
                continue;
            }
            Double figure = edge.budgetMillis();
            if (figure == null) {
                notes.add(String.format(
                        Locale.ROOT,
                        "%s: not judged, %d samples (a p95 needs %d)",
                        edge.name(),
                        edge.count(),
                        EdgeLatency.P95_MIN_SAMPLES));
                continue;
            }
            Double low = edge.budgetLowMillis();
            double lowerBound = low == null ? figure : low;
            notes.add(String.format(
                    Locale.ROOT,
                    "%s: %s %.2f ms on %d samples (95 %% lower bound %.2f ms)%s",
                    edge.name(),
                    edge.budgetPercentile(),
                    figure,
                    edge.count(),
                    lowerBound,
                    figure >= limit && lowerBound < limit ? ": over by its estimate, not with 95 % confidence" : ""));
            if (lowerBound >= limit) {
                failures.add(String.format(
                        Locale.ROOT,
                        "%s: %s %.1f ms on %d samples (95 %% lower bound %.1f ms), not under %.0f ms",
                        edge.name(),
                        edge.budgetPercentile(),
                        figure,
                        edge.count(),
                        lowerBound,
                        limit));
            }
        }
    }

    /**
     * Whether the budget is judged at all: after a steady warm-up, on a machine whose steal is known
     * and stayed at or under {@code maxSteal}.
     */
    public static boolean budgetJudged(boolean steady, OptionalDouble steal, double maxSteal) {
        return steady && quiet(steal, maxSteal);
    }

    private static boolean quiet(OptionalDouble steal, double maxSteal) {
        return steal.isPresent() && steal.getAsDouble() <= maxSteal;
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }
}
