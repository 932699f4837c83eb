package social.nova.harness.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import social.nova.harness.faults.FaultOutcome;
import social.nova.harness.latency.ExitCriterion;

/**
 * GO or NO-GO for the plan's decision gate, from what this run measured: the plan's latency exit
 * criterion (no gRPC edge over 500 ms, no failed call), our own latency budget, every fault test,
 * and the plan's CI criterion (pipelines must not be slower than the monorepo's). What was not measured in the run cannot count as met, so a partial run is NO-GO.
 *
 * @param decision {@value #GO} or {@value #NO_GO}
 * @param checks   each part of the decision
 */
public record Verdict(String decision, List<Check> checks) {
    public static final String GO = "GO";
    public static final String NO_GO = "NO-GO";

    public Verdict {
        checks = List.copyOf(checks);
    }

    /**
     * One part of the decision.
     *
     * @param failures what breaks it, one line each (empty when met)
     */
    public record Check(String name, String criterion, boolean met, List<String> failures) {
        public Check {
            failures = List.copyOf(failures);
        }

        static Check of(String name, ExitCriterion criterion) {
            return new Check(name, criterion.criterion(), criterion.met(), criterion.failures());
        }

        static Check notMeasured(String name, String criterion, String why) {
            return new Check(name, criterion, false, List.of(why));
        }
    }

    public static Verdict of(
            Optional<ExitCriterion> exitCriterion, Optional<ExitCriterion> budget, List<FaultOutcome> faults) {
        return of(exitCriterion, budget, faults, Optional.empty());
    }

    /** As above, with the plan's CI criterion: no service pipeline slower than the monorepo's. */
    public static Verdict of(
            Optional<ExitCriterion> exitCriterion,
            Optional<ExitCriterion> budget,
            List<FaultOutcome> faults,
            Optional<CiFigures> ci) {
        List<Check> checks = new ArrayList<>();
        checks.add(exitCriterion
                .map(c -> Check.of("Plan exit criterion", c))
                .orElseGet(() -> Check.notMeasured(
                        "Plan exit criterion",
                        "no gRPC edge over 500 ms, no failed call",
                        "latency was not measured in this run")));
        checks.add(budget.map(c -> Check.of("Latency budget", c))
                .orElseGet(() -> Check.notMeasured(
                        "Latency budget",
                        "p99 of every gRPC edge under the budget",
                        "latency was not measured in this run")));
        String faultsCriterion = "the fleet survives every fault as promised, losing no acknowledged write";
        if (faults.isEmpty()) {
            checks.add(Check.notMeasured("Faults", faultsCriterion, "no fault test ran in this run"));
        } else {
            checks.add(new Check(
                    "Faults",
                    faultsCriterion,
                    faults.stream().allMatch(FaultOutcome::passed),
                    faults.stream()
                            .filter(fault -> !fault.passed())
                            .map(fault -> fault.name() + ": " + fault.detail())
                            .toList()));
        }
        String ciCriterion = "no service's pipeline, run on its own, slower than the whole-repository ./nova test";
        checks.add(ci.filter(figures -> !figures.run().pipelines().isEmpty())
                .map(figures -> new Check(
                        "CI",
                        ciCriterion,
                        figures.run().pipelines().stream().allMatch(p -> p.seconds() < figures.monorepoSeconds()),
                        figures.run().pipelines().stream()
                                .filter(p -> p.seconds() >= figures.monorepoSeconds())
                                .map(p -> p.artifact() + "'s pipeline took " + p.seconds()
                                        + " s, the monorepo's ./nova test " + figures.monorepoSeconds() + " s")
                                .toList()))
                .orElseGet(() -> Check.notMeasured(
                        "CI", ciCriterion, "no service pipeline was measured in this ./nova test run")));
        return new Verdict(checks.stream().allMatch(Check::met) ? GO : NO_GO, checks);
    }

    /**
     * The CI figures of a run and the monorepo's: its whole {@code ./nova test}, which is still
     * running when the report is put together, so the figure is a lower bound (enough to judge
     * "slower than").
     */
    public record CiFigures(ReportParts.CiRun run, long monorepoSeconds) {}

    public boolean go() {
        return GO.equals(decision);
    }
}
