package social.nova.harness.latency;

import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExitCriterionTest {
    private static final Duration HALF_A_SECOND = Duration.ofMillis(500);

    @Test
    void holdsWhenNoGrpcCallReachedTheThresholdAndNothingFailed() {
        ExitCriterion verdict =
                ExitCriterion.judge(List.of(grpc(5_000, 20.0, 30.0, 499.0, 0), http(900.0, 0)), HALF_A_SECOND);

        assertThat(verdict.met())
                .as("HTTP edges are not judged by the gRPC threshold")
                .isTrue();
        assertThat(verdict.criterion())
                .isEqualTo("no gRPC call across services over 500 ms; no failed request or call");
    }

    @Test
    void breaksOnAnySlowCallByItsExactMaximumAndOnAnyFailure() {
        ExitCriterion verdict =
                ExitCriterion.judge(List.of(grpc(5_000, 2.0, 3.0, 510.0, 0), http(10.0, 3)), HALF_A_SECOND);

        assertThat(verdict.met()).isFalse();
        assertThat(verdict.failures())
                .containsExactly(
                        "api-gateway -> user-service GetUser: a call took 510.0 ms, not under 500 ms",
                        "load -> api-gateway GET /x: 3 of 100 calls failed");
    }

    @Test
    void theBudgetJudgesP99OnAThousandSamplesP95OnTwoHundredAndNothingOnFewer() {
        ExitCriterion budget = ExitCriterion.budget(
                List.of(
                        grpc(1_000, 30.0, 24.9, 90.0, 3), // p99 24.9: under
                        grpc(999, 24.0, 99.0, 99.0, 0), // p95 judged: 24.0 under, whatever the p99
                        grpc(200, 26.0, 27.0, 30.0, 0), // p95 26.0: over
                        grpc(199, 90.0, 90.0, 90.0, 0), // too few: not judged
                        http(900.0, 0)),
                Duration.ofMillis(25),
                true);

        assertThat(budget.met()).isFalse();
        assertThat(budget.failures())
                .containsExactly(
                        "api-gateway -> user-service GetUser: p95 26.0 ms on 200 samples (95 % lower bound 26.0 ms), not under 25 ms");
        assertThat(budget.notes())
                .containsExactly(
                        "api-gateway -> user-service GetUser: p99 24.90 ms on 1000 samples (95 % lower bound 24.90 ms)",
                        "api-gateway -> user-service GetUser: p95 24.00 ms on 999 samples (95 % lower bound 24.00 ms)",
                        "api-gateway -> user-service GetUser: p95 26.00 ms on 200 samples (95 % lower bound 26.00 ms)",
                        "api-gateway -> user-service GetUser: not judged, 199 samples (a p95 needs 200)");
    }

    @Test
    void aP99OverTheBudgetOnlyByChanceIsNotedNotFailed() {
        ExitCriterion chance = ExitCriterion.budget(
                List.of(grpc(1_000, 18.0, 25.6, 55.0, 0, 17.0, 23.1)), Duration.ofMillis(25), true);
        ExitCriterion sure = ExitCriterion.budget(
                List.of(grpc(1_000, 30.0, 40.0, 55.0, 0, 28.0, 36.0)), Duration.ofMillis(25), true);

        assertThat(chance.met()).isTrue();
        assertThat(chance.notes())
                .containsExactly("api-gateway -> user-service GetUser: p99 25.60 ms on 1000 samples "
                        + "(95 % lower bound 23.10 ms): over by its estimate, not with 95 % confidence");
        assertThat(sure.met()).isFalse();
    }

    @Test
    void withoutASteadyWarmUpTheBudgetIsNotJudgedAndSoNotMet() {
        ExitCriterion budget =
                ExitCriterion.budget(List.of(grpc(5_000, 1.0, 2.0, 3.0, 0)), Duration.ofMillis(25), false);

        assertThat(budget.met()).isFalse();
        assertThat(budget.failures()).containsExactly("not judged: the warm-up did not reach steady state");
        assertThat(ExitCriterion.budget(List.of(grpc(5_000, 1.0, 2.0, 3.0, 0)), Duration.ofMillis(25), true)
                        .met())
                .isTrue();
    }

    @Test
    void onAMachineThatDoesNotReportStealTheBudgetIsNotJudged() {
        List<EdgeLatency> slow = List.of(grpc(1_000, 30.0, 40.0, 55.0, 0, 28.0, 36.0));
        ExitCriterion unknown = ExitCriterion.budget(slow, Duration.ofMillis(25), true, OptionalDouble.empty(), 0.005);
        assertThat(unknown.met()).isFalse();
        assertThat(unknown.failures())
                .singleElement()
                .asString()
                .startsWith("not judged: this machine does not report steal");
        assertThat(unknown.notes())
                .as("what it would have said is reported all the same")
                .contains("had it been judged, 1 edge(s) would have broken it: api-gateway -> user-service GetUser: "
                        + "p99 40.0 ms on 1000 samples (95 % lower bound 36.0 ms), not under 25 ms");
        ExitCriterion within = ExitCriterion.budget(slow, Duration.ofMillis(50), true, OptionalDouble.empty(), 0.005);
        assertThat(within.met()).isFalse();
        assertThat(within.notes()).contains("had it been judged, every edge would have been within it");
        assertThat(within.hadItBeenJudged()).contains("had it been judged, every edge would have been within it");
        assertThat(ExitCriterion.budgetJudged(true, OptionalDouble.empty(), 0.005))
                .isFalse();
        assertThat(ExitCriterion.budgetJudged(true, OptionalDouble.of(0.001), 0.005))
                .isTrue();
    }

    @Test
    void onAMachineWhoseHypervisorTookItsCpuTheBudgetIsNotJudged() {
        List<EdgeLatency> slow = List.of(grpc(1_000, 30.0, 40.0, 55.0, 0, 28.0, 36.0));
        ExitCriterion noisy = ExitCriterion.budget(slow, Duration.ofMillis(25), true, OptionalDouble.of(0.0649), 0.005);
        assertThat(noisy.met()).isFalse();
        assertThat(noisy.failures())
                .containsExactly("not judged: the machine's hypervisor took 6.49 % of its CPU time "
                        + "for other tenants (steal) during the measured load");

        ExitCriterion quiet = ExitCriterion.budget(slow, Duration.ofMillis(25), true, OptionalDouble.of(0.0019), 0.005);
        assertThat(quiet.failures())
                .as("a quiet machine's slow edge fails the budget")
                .containsExactly("api-gateway -> user-service GetUser: p99 40.0 ms on 1000 samples (95 % lower bound "
                        + "36.0 ms), not under 25 ms");
        assertThat(quiet.notes())
                .contains(
                        "steal during the measured load: 0.19 % of the machine's CPU time " + "(judged up to 0.50 %)");
    }

    private static EdgeLatency grpc(long count, double p95, double p99, double max, long errors) {
        return grpc(count, p95, p99, max, errors, p95, p99);
    }

    private static EdgeLatency grpc(
            long count, double p95, double p99, double max, long errors, double p95Low, double p99Low) {
        return new EdgeLatency(
                "api-gateway",
                "user-service",
                "GetUser",
                "grpc",
                count,
                errors,
                1.0,
                p95,
                p99,
                max,
                1.5,
                "test",
                null,
                0,
                p95Low,
                p99Low);
    }

    private static EdgeLatency http(double p99, long errors) {
        return new EdgeLatency(
                "load",
                "api-gateway",
                "GET /x",
                "http",
                100,
                errors,
                1.0,
                2.0,
                p99,
                p99,
                5.0,
                "test",
                null,
                0,
                null,
                null);
    }
}
