package social.nova.harness.latency;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RpcEdgeMetricsTest {
    private static final String GET_USER = "nova.user.v1.UserService/GetUser";

    @Test
    void anEdgeIsWhatHappenedBetweenTwoSnapshotsOverAllInstancesAndCodes() {
        Map<RpcEdgeMetrics.Edge, RpcEdgeMetrics.Totals> before = snapshot(Map.of(
                "content-service-1", counts(10, 0, 0.5, 0.2),
                "content-service-2", counts(5, 0, 0.25, 0.1)));
        Map<RpcEdgeMetrics.Edge, RpcEdgeMetrics.Totals> after = snapshot(Map.of(
                "content-service-1", counts(30, 1, 1.5, 0.3),
                "content-service-2", counts(25, 1, 1.25, 0.05)));

        List<EdgeLatency> edges = RpcEdgeMetrics.between(before, after);

        assertThat(edges).singleElement().satisfies(edge -> {
            assertThat(edge.from()).isEqualTo("content-service");
            assertThat(edge.to()).isEqualTo("user-service");
            assertThat(edge.operation()).isEqualTo(GET_USER);
            assertThat(edge.count()).isEqualTo(42);         // (30 + 1 - 10) + (25 + 1 - 5)
            assertThat(edge.errors()).isEqualTo(2);
            assertThat(edge.mean()).isCloseTo(2000.0 / 42, within(1e-9)); // 2 s more over 42 calls
            assertThat(edge.max()).as("Micrometer's max spans minutes, not the run").isNull();
            assertThat(edge.p99()).as("no buckets, no percentiles").isNull();
            assertThat(edge.judgedMillis()).isEqualTo(edge.mean());
        });
    }

    @Test
    void anEdgeNotCalledBetweenTheSnapshotsIsLeftOut() {
        var same = snapshot(Map.of("content-service-1", counts(10, 0, 0.5, 0.2)));
        assertThat(RpcEdgeMetrics.between(same, same)).isEmpty();
    }

    @Test
    void percentilesComeFromHistogramBucketsWherePublished() {
        String before = """
                nova_rpc_client_calls_seconds_bucket{le="0.01",method="m",status="OK",target="t"} 0
                nova_rpc_client_calls_seconds_bucket{le="0.1",method="m",status="OK",target="t"} 0
                nova_rpc_client_calls_seconds_bucket{le="+Inf",method="m",status="OK",target="t"} 0
                nova_rpc_client_calls_seconds_count{method="m",status="OK",target="t"} 0
                nova_rpc_client_calls_seconds_sum{method="m",status="OK",target="t"} 0
                """;
        String after = """
                nova_rpc_client_calls_seconds_bucket{le="0.01",method="m",status="OK",target="t"} 90
                nova_rpc_client_calls_seconds_bucket{le="0.1",method="m",status="OK",target="t"} 100
                nova_rpc_client_calls_seconds_bucket{le="+Inf",method="m",status="OK",target="t"} 100
                nova_rpc_client_calls_seconds_count{method="m",status="OK",target="t"} 100
                nova_rpc_client_calls_seconds_sum{method="m",status="OK",target="t"} 1.2
                nova_rpc_client_calls_seconds_max{method="m",status="OK",target="t"} 0.08
                """;
        Map<RpcEdgeMetrics.Edge, RpcEdgeMetrics.Totals> start = new LinkedHashMap<>();
        RpcEdgeMetrics.add(start, "api-gateway", PrometheusText.parse(before));
        Map<RpcEdgeMetrics.Edge, RpcEdgeMetrics.Totals> end = new LinkedHashMap<>();
        RpcEdgeMetrics.add(end, "api-gateway", PrometheusText.parse(after));

        EdgeLatency edge = RpcEdgeMetrics.between(start, end).getFirst();

        assertThat(edge.p50()).isCloseTo(10.0 * 50 / 90, within(1e-9));  // inside the first bucket
        assertThat(edge.p95()).isCloseTo(10 + 90.0 * 5 / 10, within(1e-9)); // halfway into 10..100 ms
        assertThat(edge.p99()).isCloseTo(10 + 90.0 * 9 / 10, within(1e-9));
        assertThat(edge.mean()).isCloseTo(12.0, within(1e-9));
        // The chart's bins from the same buckets: 90 at or under 10 ms, 10 more at or under 100 ms.
        assertThat(edge.histogram().total()).isEqualTo(100);
        assertThat(edge.histogram().counts().get(LatencyHistogram.BOUNDS_MILLIS.indexOf(10.0))).isEqualTo(90);
        assertThat(edge.histogram().counts().get(LatencyHistogram.BOUNDS_MILLIS.indexOf(100.0))).isEqualTo(10);
    }

    @Test
    void aRankInTheInfiniteBucketIsTheLastFiniteBound() {
        TreeMap<Double, Double> buckets = new TreeMap<>(Map.of(0.1, 50.0, Double.POSITIVE_INFINITY, 100.0));
        assertThat(RpcEdgeMetrics.quantile(buckets, 0.99)).isEqualTo(0.1);
    }

    private static Map<RpcEdgeMetrics.Edge, RpcEdgeMetrics.Totals> snapshot(Map<String, String> byInstance) {
        Map<RpcEdgeMetrics.Edge, RpcEdgeMetrics.Totals> totals = new LinkedHashMap<>();
        new TreeMap<>(byInstance).values().forEach(text -> RpcEdgeMetrics.add(totals, "content-service", PrometheusText.parse(text)));
        return totals;
    }

    private static String counts(int ok, int failed, double sumSeconds, double maxSeconds) {
        return """
                nova_rpc_client_calls_seconds_count{method="%1$s",status="OK",target="user-service"} %2$d
                nova_rpc_client_calls_seconds_count{method="%1$s",status="UNAVAILABLE",target="user-service"} %3$d
                nova_rpc_client_calls_seconds_sum{method="%1$s",status="OK",target="user-service"} %4$s
                nova_rpc_client_calls_seconds_max{method="%1$s",status="OK",target="user-service"} %5$s
                nova_gateway_requests_seconds_count{route="/x"} 99
                """.formatted(GET_USER, ok, failed, sumSeconds, maxSeconds);
    }
}
