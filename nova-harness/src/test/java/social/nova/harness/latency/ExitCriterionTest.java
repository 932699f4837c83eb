package social.nova.harness.latency;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExitCriterionTest {
    private static final Duration HALF_A_SECOND = Duration.ofMillis(500);

    @Test
    void holdsWhenEveryGrpcEdgeIsUnderTheThresholdAndNothingFailed() {
        ExitCriterion verdict = ExitCriterion.judge(List.of(
                grpc(20.0, 480.0, 0),
                http(900.0, 0)), HALF_A_SECOND);

        assertThat(verdict.met()).as("HTTP edges are not judged by the gRPC threshold").isTrue();
        assertThat(verdict.criterion()).isEqualTo("gRPC calls across services under 500 ms; no failed calls");
    }

    @Test
    void breaksOnASlowGrpcEdgeByP99OrElseByMeanAndOnAnyFailure() {
        ExitCriterion verdict = ExitCriterion.judge(List.of(
                grpc(20.0, 510.0, 0),
                grpc(600.0, null, 0),
                http(10.0, 3)), HALF_A_SECOND);

        assertThat(verdict.met()).isFalse();
        assertThat(verdict.failures()).containsExactly(
                "api-gateway -> user-service GetUser: p99 510.0 ms, not under 500 ms",
                "api-gateway -> user-service GetUser: mean 600.0 ms, not under 500 ms",
                "load -> api-gateway GET /x: 3 of 100 calls failed");
    }

    @Test
    void theBudgetJudgesEveryGrpcEdgeByP99OrElseByMeanAndIgnoresFailures() {
        ExitCriterion budget = ExitCriterion.budget(List.of(
                grpc(5.0, 49.9, 3),
                grpc(8.0, 51.0, 0),
                grpc(60.0, null, 0),
                http(900.0, 0)), Duration.ofMillis(50));

        assertThat(budget.met()).isFalse();
        assertThat(budget.criterion()).isEqualTo("p99 of every gRPC edge under 50 ms (our budget)");
        assertThat(budget.failures()).containsExactly(
                "api-gateway -> user-service GetUser: p99 51.0 ms, not under 50 ms",
                "api-gateway -> user-service GetUser: mean 60.0 ms, not under 50 ms");
        assertThat(ExitCriterion.budget(List.of(grpc(5.0, 49.9, 3)), Duration.ofMillis(50)).met()).isTrue();
    }

    private static EdgeLatency grpc(double mean, Double p99, long errors) {
        return new EdgeLatency("api-gateway", "user-service", "GetUser", "grpc", 100, errors, null, null, p99, null, mean, "test",
                null);
    }

    private static EdgeLatency http(double p99, long errors) {
        return new EdgeLatency("load", "api-gateway", "GET /x", "http", 100, errors, 1.0, 2.0, p99, p99, 5.0, "test", null);
    }
}
